/**
 * @module
 * The fuzzer's grammar: random filters, API rules and sorts over the seeded world's `items`
 * collection. A generated expression is a tree (so a failing one can be shrunk to its smallest
 * failing part) and renders to text with random spacing, comments, quoting and, now and then,
 * a deliberate mistake, so that invalid input is fuzzed as hard as valid input.
 */

/** A seeded pseudo-random source (mulberry32): the same seed gives the same cases. */
export class Random {
  #state: number

  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  int(max: number): number {
    return Math.floor(this.next() * max)
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!
  }
}

/** A generated expression: a comparison, a group of items, or text kept as it is. */
export type Node =
  | { kind: "cmp"; left: string; op: string; right: string; gapA: string; gapB: string }
  | { kind: "group"; items: Node[]; joins: string[]; paren: boolean; prefix: string }
  | { kind: "raw"; text: string }

const OWN_FIELDS = [
  "id", "title", "body", "rank", "active", "due", "kind", "flags", "j", "mail", "site", "loc", "owner", "tags", "member",
  "created", "updated", "collectionName", "collectionId",
]
const MODIFIED = [
  "title:lower", "body:lower", "kind:lower", "flags:each", "flags:length", "flags:lower", "tags:each", "tags:length",
  "j:lower", "mail:lower", "title:each", "rank:length", "title:isset", "title:changed", "owner:each", "owner:length",
]
const JSON_PATHS = ["j.a", "j.a.b", "j.a.b.0", "j.a.b.1", "j.0", "j.name", "j.b", "j.a:lower", "j.0.name", "loc.lon", "loc.lat", "j.a:each", "j.a:length"]
const RELATIONS = [
  "owner.name", "owner.code", "owner.boss", "owner.boss.name", "owner.boss.role", "owner.boss.email", "owner.id", "owner.name:lower",
  "tags.name", "tags.weight", "tags.id", "tags.name:lower", "tags.secret", "tags.name:each", "member.name", "member.email",
  "member.role", "member.id", "member.verified", "owner.boss.name:lower", "tags.weight:length",
]
const BACK_RELATIONS = [
  "notes_via_item.text", "notes_via_item.pinned", "notes_via_item.stars", "notes_via_item.id", "notes_via_item.item.title",
  "notes_via_item.text:lower", "notes_via_item.item.owner.name", "notes_via_item.item.tags.name",
]
const COLLECTIONS = [
  "@collection.tags.name", "@collection.tags.weight", "@collection.owners.name", "@collection.owners:o.code", "@collection.owners:o.name",
  "@collection.notes.item", "@collection.notes.item.title", "@collection.members.name", "@collection.tags:t.id", "@collection.owners.boss.name",
  "@collection.notes:n.stars", "@collection.tags.secret", "@collection.owners.name:lower",
]
const REQUEST = [
  "@request.auth.id", "@request.auth.name", "@request.auth.role", "@request.auth.email", "@request.auth.collectionName",
  "@request.auth.verified", "@request.query.q", "@request.query.missing", "@request.headers.x_token", "@request.body.title",
  "@request.body.flags:each", "@request.body.title:isset", "@request.body.title:changed", "@request.context", "@request.method",
  "@request.auth.name:lower", "@request.auth.id:isset", "@request.query.q:lower", "@request.body", "@request.auth",
]
const MACROS = [
  "@now", "@second", "@minute", "@hour", "@day", "@month", "@weekday", "@year", "@yesterday", "@tomorrow",
  "@todayStart", "@todayEnd", "@monthStart", "@monthEnd", "@yearStart", "@yearEnd",
]
const KEYWORDS = ["null", "true", "false", "NULL", "True"]
const NUMBERS = ["0", "1", "-1", "2.5", "-29.25", "10", "1000000", "007", "-0", "3", "100", "0.5", "42"]
const TEXTS = [
  "''", '""', "'Alpha'", "'alpha'", "'a\\\\b'", "'a\\b'", "'A\\\\B'", "'50%'", "'%'", "'_'", "'it\\'s'", '"say \\"hi\\""',
  "'[]'", "'[\"a\"]'", "'x'", "'a'", "'A'", "'10'", "'1.0'", "'2024-01-15'", "'2024-01-15 10:00:00.000Z'", "'2024-01-15 10:00:00'",
  "'01-15'", "'Ümlaut'", "'日本語'", "'red'", "'Blue'", "'line\\nbreak'", "'true'", "'null'", "'ann@example.com'",
  "'https://a.example/x?y=1'", "'%5'", "'\\\\%'", "'a%'", "'%a'", "'_lpha'", "' spaced '", "'-3'", "'str'", "'{\"a\":1}'", "'2.5'",
  "'admin'", "'y'", "'b'", "'<p>hello</p>'", "'\\t'", "'A\\\\b'", "'\\u0041'", "'a\\/b'", "\"it\\'s\"", "'\\x'", "'\\r'",
  "'a\\%'", "'\\_'", "'%%'", "'1e3'", "' 10'", "'0x10'", "'TRUE'", "'2024-01-15T10:00:00Z'", "'Z'", "'{}'",
]
const FUNCTIONS = [
  "strftime('%Y', due)", "strftime('%m-%d', due)", "strftime('%Y-%m-%d', created)", "strftime('%Y', @now)", "strftime('%m-%d', owner.name)",
  "strftime('%Y', tags.name)", "strftime('%s', rank, 'unixepoch')", "strftime('%H', due, '+1 hours')", "strftime('%Y', '2024-01-15')",
  "strftime('%m-%d', @collection.owners.name)", "strftime('%d', notes_via_item.item.due)", "strftime('%Y', j.a)",
  "geoDistance(loc.lon, loc.lat, 23.3, 42.7)", "geoDistance(loc.lon, loc.lat, -73.9, 40.7)", "geoDistance(loc.lon, loc.lat, j.a, 0)",
  "geoDistance(0, 0, 0, 0)", "strftime()", "strftime('%Y')", "geoDistance(1, 2)", "nope(1)", "strftime('%Y', strftime('%Y', due))",
]
const INVALID_ATOMS = [
  "nope", "tags.nope", "owner.name.x", "@collection.nope.x", "@request.nope", "title:nope", "j.a-b", "title.x", "@collection.tags",
  "notes_via_nope.x", "nope_via_item.x", "@", "_", "title.", "a:", "@nope", "owner.boss.nope", "1.", "-", "é", "title\r",
]

/** Operands that make sense on the left: mostly fields of the record. */
const LEFT_POOLS: readonly (readonly string[])[] = [OWN_FIELDS, OWN_FIELDS, MODIFIED, JSON_PATHS, RELATIONS, RELATIONS, BACK_RELATIONS, COLLECTIONS, REQUEST, FUNCTIONS]
/** Operands that make sense on the right: literals first. */
const RIGHT_POOLS: readonly (readonly string[])[] = [TEXTS, TEXTS, NUMBERS, KEYWORDS, MACROS, OWN_FIELDS, MODIFIED, JSON_PATHS, RELATIONS, REQUEST, COLLECTIONS, FUNCTIONS]
const OPERATORS = ["=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?>=", "?<", "?<=", "?~", "?!~"]
const GAPS = [" ", " ", " ", "", "  ", "\t", "\n", " // note\n"]
const NOISE = ["(", ")", "'", '"', "&", "|", "=", "!", "<", ">", "~", "?", "\r", "/", "\\", ",", "é", " ", "@", ".", ":", "-", "#", "$", "{", "}", "\u00a0"]

/** Which operands a grammar may use: client filters of non-superusers cannot reach `@request`/`@collection`. */
export interface GrammarOptions {
  /** Allow `@request.*` and `@collection.*` operands. */
  privileged: boolean
  /**
   * Leave out `@request.auth.id`: the superuser's id differs between the two servers (the
   * members' ids are fixed). @default false
   */
  superuser?: boolean
}

function operand(rng: Random, pools: readonly (readonly string[])[], options: GrammarOptions): string {
  if (rng.chance(0.02)) return rng.pick(INVALID_ATOMS)
  for (;;) {
    const value = rng.pick(rng.pick(pools))
    if (!options.privileged && (value.includes("@request.") || value.includes("@collection."))) continue
    if (options.superuser && value.startsWith("@request.auth.id")) continue
    return value
  }
}

function comparison(rng: Random, options: GrammarOptions): Node {
  return {
    kind: "cmp",
    left: rng.chance(0.08) ? operand(rng, RIGHT_POOLS, options) : operand(rng, LEFT_POOLS, options),
    op: rng.pick(OPERATORS),
    right: operand(rng, RIGHT_POOLS, options),
    gapA: rng.pick(GAPS),
    gapB: rng.pick(GAPS),
  }
}

function group(rng: Random, depth: number, options: GrammarOptions, paren: boolean): Node {
  const count = 1 + rng.int(depth === 0 ? 4 : 3)
  const items: Node[] = []
  const joins: string[] = []
  for (let i = 0; i < count; i++) {
    if (i > 0) joins.push(rng.chance(0.05) ? "" : rng.chance(0.5) ? "&&" : "||")
    items.push(depth < 2 && rng.chance(0.25) ? group(rng, depth + 1, options, true) : comparison(rng, options))
  }
  const prefix = paren && rng.chance(0.05) ? "NOT " : ""
  return { kind: "group", items, joins, paren, prefix }
}

/** Renders a node to filter text. */
export function render(node: Node): string {
  switch (node.kind) {
    case "raw":
      return node.text
    case "cmp":
      return `${node.left}${node.gapA}${node.op}${node.gapB}${node.right}`
    case "group": {
      let text = ""
      node.items.forEach((item, i) => {
        if (i > 0) text += node.joins[i - 1] === "" ? " " : ` ${node.joins[i - 1]} `
        text += render(item)
      })
      return node.paren ? `${node.prefix}(${text})` : text
    }
  }
}

/** Random edits that usually break the text (and sometimes do not). */
function mutate(rng: Random, text: string): string {
  const at = rng.int(text.length + 1)
  switch (rng.int(6)) {
    case 0:
      return text.slice(0, at) + rng.pick(NOISE) + text.slice(at)
    case 1:
      return text.slice(0, at) + text.slice(at + 1)
    case 2:
      return text.slice(0, at)
    case 3:
      return rng.pick([" ", "\t", "\n", "\r", " \n ", "// only a comment", "()", "(())", "( )", "&&", "a =", "\r\n"])
    case 4:
      return `${text}${rng.pick(["\r", " ", "\n", " //x", " &&", " (rank > 1)", ")", "("])}`
    default:
      return rng.pick(["(".repeat(40) + "rank > 1" + ")".repeat(40), Array.from({ length: 201 }, () => "rank > 1").join(" || "), `title = '${"x".repeat(3500)}'`])
  }
}

/** A filter: a tree (for shrinking) or, when mutated, raw text. */
export function generateFilter(rng: Random, options: GrammarOptions): Node {
  const tree = group(rng, 0, options, false)
  if (rng.chance(0.1)) return { kind: "raw", text: mutate(rng, render(tree)) }
  return tree
}

/** A rule is a filter with every operand allowed; some are long enough to test the length limits. */
export function generateRule(rng: Random): Node {
  if (rng.chance(0.04)) {
    const filler = Array.from({ length: 150 }, (_, i) => `title != 'filler-${i}'`).join(" && ")
    return { kind: "raw", text: `${filler} && rank > 0` }
  }
  return generateFilter(rng, { privileged: true })
}

const SORT_FIELDS = [
  "title", "rank", "active", "due", "kind", "j", "j.a", "owner.name", "owner.code", "member.name", "tags.name", "@rowid", "id",
  "title:lower", "flags", "flags:length", "loc.lon", "notes_via_item.stars", "owner.boss.name", "mail", "site", "body", "tags.weight",
  "owner", "tags", "flags:each", "j.a.b", "collectionName",
]
const INVALID_SORTS = ["", " ", "nope", "@request.auth.id", "@request.body.title:isset", "@request.query.q", "@request.query.q:isset",
  "@request.body.flags:length", "@request.body.title:changed", "@request.context", "@request.auth.email", "@collection.owners.name", "null", "@now", "title ", "-", "+", "--title", "+-rank", "@collection.tags.name", "tags.secret", "x".repeat(256), "title,", "é", "'title'", "rank desc", "(title)", "@random"]

/** A sort: 1–3 entries (sometimes 9, over the limit), with `+`/`-` prefixes and now and then an invalid entry. */
export function generateSort(rng: Random): string {
  const count = rng.chance(0.03) ? 9 : 1 + rng.int(3)
  const entries: string[] = []
  for (let i = 0; i < count; i++) {
    const name = rng.chance(0.1) ? rng.pick(INVALID_SORTS) : rng.pick(SORT_FIELDS)
    entries.push(`${rng.pick(["", "", "-", "+"])}${name}`)
  }
  return entries.join(rng.pick([",", ",", ", ", " ,"]))
}

/** Smaller variants of a node, smallest first: each item alone, the group without one item, unwrapped. */
export function shrinkCandidates(node: Node): Node[] {
  if (node.kind !== "group") return []
  const out: Node[] = []
  for (const item of node.items) out.push(item)
  if (node.items.length > 1) {
    node.items.forEach((_, i) => {
      const items = node.items.filter((__, k) => k !== i)
      const joins = node.joins.filter((__, k) => k !== Math.max(0, i - 1))
      out.push({ ...node, items, joins })
    })
  }
  if (node.paren) out.push({ ...node, paren: false, prefix: "" })
  node.items.forEach((item, i) => {
    for (const smaller of shrinkCandidates(item)) out.push({ ...node, items: node.items.map((x, k) => (k === i ? smaller : x)) })
  })
  return out
}
