/**
 * @module
 * `$template`: load HTML templates from files or text and render them with data. A subset of
 * Go's html/template: `{{.path.to.value}}` (HTML-escaped), `{{raw .path}}` unescaped, and
 * `{{range .list}}...{{.}}...{{end}}` / `{{if .flag}}...{{else}}...{{end}}` blocks.
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
  const tags = /\{\{\s*(range|if|else|end)\b[^}]*\}\}/g
  tags.lastIndex = from
  let depth = 0
  let elseAt = -1
  for (let m = tags.exec(text); m; m = tags.exec(text)) {
    if (m[1] === "range" || m[1] === "if") depth++
    else if (m[1] === "else" && depth === 0) elseAt = m.index
    else if (m[1] === "end" && depth-- === 0) return { elseAt, endAt: m.index }
  }
  throw new Error("template: unclosed {{range}} or {{if}}")
}

/** Renders `text` with `data`. */
export function renderTemplate(text: string, data: unknown): string {
  let out = ""
  let at = 0
  const tag = /\{\{\s*(range|if)\s+([^\s}]+)\s*\}\}|\{\{\s*(raw\s+)?(\.[\w.]*)\s*\}\}/g
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    out += text.slice(at, m.index)
    if (m[1]) {
      const bodyStart = m.index + m[0].length
      const { elseAt, endAt } = blockEnd(text, bodyStart)
      const body = text.slice(bodyStart, elseAt === -1 ? endAt : elseAt)
      const otherwise = elseAt === -1 ? "" : text.slice(text.indexOf("}}", elseAt) + 2, endAt)
      const value = lookup(data, m[2]!)
      if (m[1] === "range") out += Array.isArray(value) && value.length > 0 ? value.map((item) => renderTemplate(body, item)).join("") : renderTemplate(otherwise, data)
      else out += renderTemplate(value && !(Array.isArray(value) && value.length === 0) ? body : otherwise, data)
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

/** The `$template` registry: `loadFiles(...paths)` / `loadString(text)`, then `.render(data)`. */
export function templateRegistry() {
  const loaded = (text: string) => ({ render: (data: unknown) => renderTemplate(text, data) })
  return {
    // The first file is the page; Go's `{{template}}` composition across files is not supported.
    loadFiles: (...paths: string[]) => loaded(readFileSync(paths[0]!, "utf8")),
    loadString: (text: string) => loaded(text),
  }
}
