/**
 * @module
 * Random strings from a small regex-like pattern, for text fields' `autogeneratePattern`
 * (`[a-z0-9]{15}`, `[a-zA-Z0-9]{50}`, `ABC-[0-9]{4}`, `(foo|bar)_\d{3}`).
 *
 * Supported: literals, `\`-escapes (`\d \w \s` and escaped metacharacters), `.`, character classes
 * with ranges and `^` negation (within printable ASCII), groups with `|` alternatives, and the
 * quantifiers `{n}`, `{n,m}`, `{n,}`, `?`, `*`, `+` (open ranges are capped at 10 extra repeats).
 * Anchors `^`/`$` are ignored.
 */
import { randomInt } from "../../core/random.ts"

type Node =
  | { kind: "set"; chars: string[] }
  | { kind: "alt"; options: Node[][] }
  | { kind: "repeat"; node: Node; min: number; max: number }

const DIGITS = "0123456789"
const LOWER = "abcdefghijklmnopqrstuvwxyz"
const UPPER = LOWER.toUpperCase()
const WORD = LOWER + UPPER + DIGITS + "_"
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("")
const OPEN_REPEAT_CAP = 10

/** Thrown when an `autogeneratePattern` cannot be understood. */
export class PatternError extends Error {}

class PatternParser {
  #src: string
  #pos = 0
  constructor(src: string) {
    this.#src = src
  }

  parse(): Node[] {
    const nodes = this.#alternation()
    if (this.#pos < this.#src.length) throw new PatternError(`unexpected "${this.#src[this.#pos]}" in pattern`)
    return nodes
  }

  #alternation(): Node[] {
    const options: Node[][] = [this.#sequence()]
    while (this.#src[this.#pos] === "|") {
      this.#pos++
      options.push(this.#sequence())
    }
    return options.length === 1 ? options[0]! : [{ kind: "alt", options }]
  }

  #sequence(): Node[] {
    const nodes: Node[] = []
    while (this.#pos < this.#src.length) {
      const ch = this.#src[this.#pos]!
      if (ch === "|" || ch === ")") break
      const atom = this.#atom()
      if (atom) nodes.push(this.#quantified(atom))
    }
    return nodes
  }

  #atom(): Node | null {
    const ch = this.#src[this.#pos++]!
    switch (ch) {
      case "^":
      case "$":
        return null
      case ".":
        return { kind: "set", chars: [...PRINTABLE] }
      case "[":
        return { kind: "set", chars: [...this.#charClass()] }
      case "(": {
        if (this.#src.startsWith("?:", this.#pos)) this.#pos += 2
        const inner = this.#alternation()
        if (this.#src[this.#pos] !== ")") throw new PatternError("unterminated group in pattern")
        this.#pos++
        return { kind: "alt", options: [inner] }
      }
      case "\\":
        return { kind: "set", chars: [...this.#escape()] }
      default:
        return { kind: "set", chars: [ch] }
    }
  }

  #escape(): string {
    const ch = this.#src[this.#pos++]
    if (ch === undefined) throw new PatternError("trailing backslash in pattern")
    if (ch === "d") return DIGITS
    if (ch === "w") return WORD
    if (ch === "s") return " "
    return ch
  }

  #charClass(): string {
    let negate = false
    if (this.#src[this.#pos] === "^") {
      negate = true
      this.#pos++
    }
    let chars = ""
    let first = true
    while (this.#pos < this.#src.length && (this.#src[this.#pos] !== "]" || first)) {
      first = false
      let start = this.#src[this.#pos++]!
      if (start === "\\") {
        const set = this.#escape()
        if (set.length > 1) {
          chars += set
          continue
        }
        start = set
      }
      if (this.#src[this.#pos] === "-" && this.#src[this.#pos + 1] !== "]" && this.#pos + 1 < this.#src.length) {
        this.#pos++
        let end = this.#src[this.#pos++]!
        if (end === "\\") end = this.#escape()
        const from = start.codePointAt(0)!, to = end.codePointAt(0)!
        if (to < from) throw new PatternError("invalid character range in pattern")
        for (let c = from; c <= to; c++) chars += String.fromCodePoint(c)
      } else {
        chars += start
      }
    }
    if (this.#src[this.#pos] !== "]") throw new PatternError("unterminated character class in pattern")
    this.#pos++
    if (negate) chars = [...PRINTABLE].filter((c) => !chars.includes(c)).join("")
    if (chars === "") throw new PatternError("empty character class in pattern")
    return chars
  }

  #quantified(node: Node): Node {
    const ch = this.#src[this.#pos]
    if (ch === "?") return this.#take({ kind: "repeat", node, min: 0, max: 1 }, 1)
    if (ch === "*") return this.#take({ kind: "repeat", node, min: 0, max: OPEN_REPEAT_CAP }, 1)
    if (ch === "+") return this.#take({ kind: "repeat", node, min: 1, max: 1 + OPEN_REPEAT_CAP }, 1)
    if (ch === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.#src.slice(this.#pos))
      if (m) {
        const min = Number(m[1])
        const max = m[2] === undefined ? min : m[3] === "" ? min + OPEN_REPEAT_CAP : Number(m[3])
        if (max < min) throw new PatternError("invalid repeat range in pattern")
        return this.#take({ kind: "repeat", node, min, max }, m[0].length)
      }
    }
    return node
  }

  #take(node: Node, length: number): Node {
    this.#pos += length
    return node
  }
}

function render(nodes: Node[]): string {
  let out = ""
  for (const node of nodes) out += renderNode(node)
  return out
}

function renderNode(node: Node): string {
  if (node.kind === "set") return node.chars[randomInt(node.chars.length)]!
  if (node.kind === "alt") return render(node.options[randomInt(node.options.length)]!)
  const times = node.min + randomInt(node.max - node.min + 1)
  let out = ""
  for (let i = 0; i < times; i++) out += renderNode(node.node)
  return out
}

const parsedCache = new Map<string, Node[]>()

/**
 * Generates a random string matching `pattern`; throws `PatternError` for unsupported syntax.
 * @example generateFromPattern("[a-z0-9]{15}") // "k3v9x0m2q8w1z7a"
 */
export function generateFromPattern(pattern: string): string {
  let nodes = parsedCache.get(pattern)
  if (!nodes) {
    nodes = new PatternParser(pattern).parse()
    parsedCache.set(pattern, nodes)
  }
  return render(nodes)
}

/** The pattern of PocketBase record ids (15 lowercase letters and digits). */
export const RECORD_ID_PATTERN = "[a-z0-9]{15}"

/** A new random record id (`[a-z0-9]{15}`). */
export const generateRecordId = (): string => generateFromPattern(RECORD_ID_PATTERN)
