/**
 * @module
 * The `fields` query parameter: which keys of a JSON response survive, with the
 * `:excerpt(max[, withEllipsis])` modifier for strings.
 *
 * Behaviour checked on the reference server: paths into non-objects keep the whole value
 * (`fields=title.x` keeps `title`), a specific path beats `*` for its key (`*,data.a` keeps only
 * `data.a` inside `data`), `excerpt` ignores non-strings, and an invalid modifier is a 400.
 */

/** Thrown for a malformed `fields` value (unknown modifier, bad excerpt arguments); the caller answers 400. */
export class FieldsParamError extends Error {}

/** A field modifier: only `excerpt` exists. */
export interface ExcerptModifier {
  name: "excerpt"
  max: number
  withEllipsis: boolean
}

/** One parsed entry of the `fields` parameter. */
export interface FieldPath {
  path: string[]
  modifier: ExcerptModifier | null
}

/** A parsed `fields` parameter as a key tree; `null` from {@link parseFields} means "keep everything". */
export interface FieldsTree {
  /** Keys selected whole at this level (with an optional modifier). */
  leaves: Map<string, ExcerptModifier | null>
  /** Keys with deeper paths. */
  children: Map<string, FieldsTree>
}

const newTree = (): FieldsTree => ({ leaves: new Map(), children: new Map() })

/** Splits at commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === "(") depth++
    else if (ch === ")") depth = Math.max(0, depth - 1)
    else if (ch === "," && depth === 0) {
      parts.push(text.slice(start, i))
      start = i + 1
    }
  }
  parts.push(text.slice(start))
  return parts
}

const GO_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"])

/** Parses `excerpt(max[, withEllipsis])`; `withEllipsis` follows Go's bool parsing, anything unknown is false. */
function parseModifier(text: string): ExcerptModifier {
  const m = /^(\w+)\((.*)\)$/s.exec(text.trim())
  if (!m || m[1] !== "excerpt") throw new FieldsParamError(`unsupported fields modifier "${text}"`)
  const args = m[2]!.split(",").map((arg) => arg.trim())
  if (args.length > 2) throw new FieldsParamError("excerpt expects at most 2 arguments")
  const maxText = args[0]!
  const max = /^[+-]?\d+$/.test(maxText) ? Number(maxText) : NaN
  if (!Number.isSafeInteger(max) || max <= 0) throw new FieldsParamError("excerpt max must be a positive integer")
  return { name: "excerpt", max, withEllipsis: GO_TRUE.has(args[1] ?? "") }
}

/**
 * Parses a `fields` value into paths: comma separated (commas inside parentheses don't split),
 * entries trimmed, empty entries skipped, `path[:modifier]` split at the first `:`.
 * @example parseFieldPaths("id,expand.author.name,body:excerpt(200,true)")
 */
export function parseFieldPaths(text: string): FieldPath[] {
  const out: FieldPath[] = []
  for (const raw of splitTopLevel(text)) {
    const entry = raw.trim()
    if (entry === "") continue
    const colon = entry.indexOf(":")
    const pathText = colon >= 0 ? entry.slice(0, colon).trim() : entry
    const modifier = colon >= 0 ? parseModifier(entry.slice(colon + 1)) : null
    if (pathText === "") continue
    out.push({ path: pathText.split("."), modifier })
  }
  return out
}

/** Parses a `fields` value into a key tree, or `null` when nothing is selected (keep the whole response). */
export function parseFields(text: string | null | undefined): FieldsTree | null {
  if (!text) return null
  const paths = parseFieldPaths(text)
  if (paths.length === 0) return null
  const root = newTree()
  for (const { path, modifier } of paths) {
    let node = root
    path.forEach((key, i) => {
      if (i === path.length - 1) node.leaves.set(key, modifier)
      else {
        let child = node.children.get(key)
        if (!child) node.children.set(key, (child = newTree()))
        node = child
      }
    })
  }
  return root
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype

const applyModifier = (value: unknown, modifier: ExcerptModifier | null): unknown =>
  modifier && typeof value === "string" ? excerpt(value, modifier.max, modifier.withEllipsis) : value

function pickObject(obj: Record<string, unknown>, tree: FieldsTree): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const star = tree.leaves.has("*")
  for (const [key, value] of Object.entries(obj)) {
    if (tree.leaves.has(key)) out[key] = applyModifier(value, tree.leaves.get(key)!)
    else if (tree.children.has(key)) out[key] = pickFields(value, tree.children.get(key)!)
    else if (star) out[key] = applyModifier(value, tree.leaves.get("*")!)
  }
  return out
}

/**
 * Applies a parsed `fields` tree to a value: objects keep only the selected keys (recursively),
 * arrays are picked element by element, anything else passes through unchanged.
 */
export function pickFields(value: unknown, tree: FieldsTree | null): unknown {
  if (!tree) return value
  if (Array.isArray(value)) return value.map((item) => pickFields(item, tree))
  if (isPlainObject(value)) return pickObject(value, tree)
  if (value !== null && typeof value === "object" && "toJSON" in value && typeof value.toJSON === "function") {
    return pickFields(value.toJSON(), tree)
  }
  return value
}

/**
 * Applies `fields` to a 2xx response body: a list envelope (`{items, page, perPage, totalItems, totalPages}`)
 * is picked per item with the envelope kept; anything else is picked at the top level.
 */
export function pickResponse(body: unknown, fields: string | null | undefined): unknown {
  const tree = parseFields(fields)
  if (!tree) return body
  if (isPlainObject(body) && Array.isArray(body.items) && "page" in body && "perPage" in body) {
    return { ...body, items: pickFields(body.items, tree) }
  }
  return pickFields(body, tree)
}

// ---------------------------------------------------------------------------------------------
// excerpt: plain text from HTML

/** Elements whose content never reaches an excerpt. */
const SKIPPED = new Set([
  "head", "style", "script", "iframe", "embed", "applet", "object", "svg", "img", "picture",
  "dialog", "template", "button", "form", "textarea", "input", "select", "option",
])

/** Elements that separate words (checked on the reference server: `li`, `p`, `h1` do, `td`, `br`, `span` don't). */
const BLOCK = new Set([
  "address", "article", "aside", "blockquote", "details", "dd", "div", "dl", "dt", "fieldset",
  "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
  "li", "main", "nav", "ol", "p", "pre", "section", "table", "ul",
])

/** Void elements have no closing tag, so there is no content to skip. */
const VOID = new Set(["img", "input", "embed", "br", "hr", "meta", "link", "area", "base", "col", "source", "track", "wbr"])

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" }

/** Decodes the common named and all numeric character references. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole
  })
}

/** Strips HTML to plain text: skipped elements dropped, block elements separated, whitespace collapsed, trimmed. */
export function htmlToText(html: string): string {
  let out = ""
  let i = 0
  while (i < html.length) {
    const lt = html.indexOf("<", i)
    if (lt < 0) {
      out += decodeEntities(html.slice(i))
      break
    }
    out += decodeEntities(html.slice(i, lt))
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4)
      i = end < 0 ? html.length : end + 3
      continue
    }
    const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(\/?)>/.exec(html.slice(lt))
    if (!tag) {
      if (/^<[!?/]/.test(html.slice(lt, lt + 2))) {
        const end = html.indexOf(">", lt)
        i = end < 0 ? html.length : end + 1
      } else {
        out += "<"
        i = lt + 1
      }
      continue
    }
    const [whole, closing, rawName, selfClosing] = tag
    const name = rawName!.toLowerCase()
    i = lt + whole.length
    if (BLOCK.has(name)) out += " "
    if (!closing && !selfClosing && SKIPPED.has(name) && !VOID.has(name)) {
      const close = new RegExp(`</${name}\\s*>`, "i").exec(html.slice(i))
      i = close ? i + close.index + close[0].length : html.length
    }
  }
  return out.replace(/\s+/g, " ").trim()
}

/**
 * Plain-text excerpt of an HTML string: at most `max` code points of {@link htmlToText}, trimmed,
 * with `...` appended when cut and `withEllipsis` is set.
 * @example excerpt("<p>Hello <b>big</b> world</p>", 12, true) // "Hello big wo..."
 */
export function excerpt(html: string, max: number, withEllipsis: boolean): string {
  const text = htmlToText(html)
  const chars = [...text]
  if (chars.length <= max) return text
  const cut = chars.slice(0, max).join("").trim()
  return withEllipsis ? `${cut}...` : cut
}
