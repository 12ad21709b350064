/**
 * @module
 * The `expand` query parameter normalized into relation paths and a path tree.
 *
 * Checked on the reference server with a self-referencing relation: `.r.r.` expands two levels,
 * ` r . r ` too (spaces removed), paths deeper than 6 are cut to 6 levels rather than rejected,
 * and `r..r` expands nothing (the empty segment is an unknown field, so that path fails).
 */

/** Relations nest at most this deep; deeper path segments are ignored. */
export const MAX_EXPAND_DEPTH = 6

/** Nested expand paths: each key is a relation (or `<collection>_via_<field>`) segment. */
export type ExpandTree = Map<string, ExpandTree>

/**
 * Normalizes an `expand` value into unique paths of segments: spaces removed, comma separated,
 * leading/trailing dots trimmed, empty entries skipped, each path cut to {@link MAX_EXPAND_DEPTH}
 * segments, duplicates and paths that are a prefix of another path dropped. Empty inner segments
 * (`a..b`) are kept so the caller fails that path like the reference server does.
 * @example parseExpandPaths(" author , comments_via_post.author, author ") // [["author"], ["comments_via_post", "author"]]
 */
export function parseExpandPaths(text: string | null | undefined): string[][] {
  if (!text) return []
  const unique = new Map<string, string[]>()
  for (const raw of text.replace(/\s+/g, "").split(",")) {
    const trimmed = raw.replace(/^\.+|\.+$/g, "")
    if (trimmed === "") continue
    const segments = trimmed.split(".").slice(0, MAX_EXPAND_DEPTH)
    unique.set(segments.join("."), segments)
  }
  // Every proper prefix of every path, so "a.b" drops when "a.b.c" is listed (linear, not n²).
  const prefixes = new Set<string>()
  for (const segments of unique.values()) {
    for (let i = 1; i < segments.length; i++) prefixes.add(segments.slice(0, i).join("."))
  }
  return [...unique.entries()].filter(([key]) => !prefixes.has(key)).map(([, segments]) => segments)
}

/** Builds the path tree of an `expand` value (prefix paths merge into their longer paths). */
export function parseExpand(text: string | null | undefined): ExpandTree {
  const root: ExpandTree = new Map()
  for (const segments of parseExpandPaths(text)) {
    let node = root
    for (const segment of segments) {
      let child = node.get(segment)
      if (!child) node.set(segment, (child = new Map()))
      node = child
    }
  }
  return root
}
