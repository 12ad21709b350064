/**
 * @module
 * `$template`: load HTML templates from files or text and render them with data. A subset of
 * Go's html/template: `{{.path.to.value}}` (HTML-escaped), `{{raw .path}}` unescaped,
 * `{{range .list}}...{{.}}...{{end}}` / `{{if .flag}}...{{else}}...{{end}}` blocks, and layouts
 * across files: `{{define "name"}}...{{end}}`, `{{block "name" .}}default{{end}}`,
 * `{{template "name" .}}`.
 */
import { readFileSync } from "node:fs"

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;" })[c]!)

function lookup(data: unknown, path: string): unknown {
  if (path === ".") return data
  let value: unknown = data
  for (const key of path.replace(/^\./, "").split(".")) {
    value = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined
  }
  return value
}

const show = (value: unknown) => (value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value))

// Finds the `{{end}}` closing the block that starts at `from`, skipping nested blocks.
function blockEnd(text: string, from: number): { elseAt: number; endAt: number } {
  const tags = /\{\{\s*(range|if|define|block|else|end)\b[^}]*\}\}/g
  tags.lastIndex = from
  let depth = 0
  let elseAt = -1
  for (let m = tags.exec(text); m; m = tags.exec(text)) {
    if (m[1] !== "else" && m[1] !== "end") depth++
    else if (m[1] === "else" && depth === 0) elseAt = m.index
    else if (m[1] === "end" && depth-- === 0) return { elseAt, endAt: m.index }
  }
  throw new Error("template: unclosed {{range}}, {{if}}, {{define}} or {{block}}")
}

/** Named templates (`{{define}}`) and the text left around them. */
function extractDefines(text: string, into: Map<string, string>): string {
  const open = /\{\{\s*define\s+"([^"]+)"\s*\}\}/g
  let rest = ""
  let at = 0
  for (let m = open.exec(text); m; m = open.exec(text)) {
    const bodyStart = m.index + m[0].length
    const { endAt } = blockEnd(text, bodyStart)
    into.set(m[1]!, text.slice(bodyStart, endAt))
    rest += text.slice(at, m.index)
    at = text.indexOf("}}", endAt) + 2
    open.lastIndex = at
  }
  return rest + text.slice(at)
}

/** Renders `text` with `data`; `{{template}}` and `{{block}}` take their bodies from `defines`. */
export function renderTemplate(text: string, data: unknown, defines: ReadonlyMap<string, string> = new Map()): string {
  let out = ""
  let at = 0
  const tag = /\{\{\s*(range|if)\s+([^\s}]+)\s*\}\}|\{\{\s*(raw\s+)?(\.[\w.]*)\s*\}\}|\{\{\s*(template|block)\s+"([^"]+)"\s*([^\s}]*)\s*\}\}/g
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    out += text.slice(at, m.index)
    if (m[5]) {
      const scope = m[7] ? lookup(data, m[7]) : undefined
      let fallback = ""
      at = m.index + m[0].length
      if (m[5] === "block") {
        const { endAt } = blockEnd(text, at)
        fallback = text.slice(at, endAt)
        at = text.indexOf("}}", endAt) + 2
      }
      const body = defines.get(m[6]!) ?? (m[5] === "block" ? fallback : null)
      if (body === null) throw new Error(`template: no template "${m[6]}"`)
      out += renderTemplate(body, scope, defines)
      tag.lastIndex = at
      continue
    }
    if (m[1]) {
      const bodyStart = m.index + m[0].length
      const { elseAt, endAt } = blockEnd(text, bodyStart)
      const body = text.slice(bodyStart, elseAt === -1 ? endAt : elseAt)
      const otherwise = elseAt === -1 ? "" : text.slice(text.indexOf("}}", elseAt) + 2, endAt)
      const value = lookup(data, m[2]!)
      if (m[1] === "range") out += Array.isArray(value) && value.length > 0 ? value.map((item) => renderTemplate(body, item, defines)).join("") : renderTemplate(otherwise, data, defines)
      else out += renderTemplate(value && !(Array.isArray(value) && value.length === 0) ? body : otherwise, data, defines)
      at = text.indexOf("}}", endAt) + 2
      tag.lastIndex = at
      continue
    }
    const value = show(lookup(data, m[4]!))
    out += m[3] ? value : escapeHtml(value)
    at = m.index + m[0].length
  }
  return out + text.slice(at)
}

/**
 * The `$template` registry: `loadFiles(...paths)` / `loadString(...texts)`, then `.render(data)`.
 * The first text is the page; every text's `{{define}}`s fill its `{{template}}`s and `{{block}}`s
 * (later ones win, as in Go).
 */
export function templateRegistry() {
  const loaded = (texts: string[]) => {
    const defines = new Map<string, string>()
    const [page = ""] = texts.map((text) => extractDefines(text, defines))
    return { render: (data: unknown) => renderTemplate(page, data, defines) }
  }
  return {
    loadFiles: (...paths: string[]) => loaded(paths.map((path) => readFileSync(path, "utf8"))),
    loadString: (...texts: string[]) => loaded(texts),
  }
}
