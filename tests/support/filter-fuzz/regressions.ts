/**
 * @module
 * The classes of disagreement the filter fuzzer found (and the issue reported), one small case
 * each, with the answer the reference PocketBase gives over the fuzz world. Ids are written by
 * their item number (`item00…07` is 7).
 */

/** One regression case: a `?filter=` or `?sort=` as the superuser, or a list rule saved and listed as a guest. */
export interface RegressionCase {
  name: string
  path: "filter" | "sort" | "rule"
  text: string
  /** Status of the list (filter) or of saving the rule. */
  status: number
  /** Item numbers listed, in id order, when the list answers 200. */
  items?: number[]
}

/** A list rule of about 3,600 characters: long for a filter, fine for a rule. */
export const LONG_RULE = `${Array.from({ length: 150 }, (_, i) => `title != 'filler-${i}'`).join(" && ")} && rank > 0`

export const REGRESSIONS: RegressionCase[] = [
  { name: "a filter of one space is empty, which is an error", path: "filter", text: " ", status: 400 },
  { name: "a filter of one tab is empty, which is an error", path: "filter", text: "\t", status: 400 },
  { name: "a carriage return is not whitespace", path: "filter", text: "rank >= -29.25\r", status: 400 },
  { name: "an empty rule of one space is refused", path: "rule", text: " ", status: 400 },
  { name: "a carriage return in a rule is refused", path: "rule", text: "rank > 1\r", status: 400 },
  { name: "a 3,600-character rule is saved (the 3,500-byte limit is for client filters)", path: "rule", text: LONG_RULE, status: 200, items: [2, 3, 6, 7, 8, 10, 11, 13, 15, 16, 19, 20, 22, 23, 24, 26, 28, 29] },
  { name: "a client filter over 3,500 bytes is refused", path: "filter", text: LONG_RULE, status: 400 },
  { name: "NOT before a group is dropped: NOT (a || b) || c reads (a || b) || c", path: "filter", text: "NOT (rank > 1 || rank < 0) || active = true", status: 200, items: [1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 13, 15, 16, 17, 18, 19, 20, 21, 22, 23, 25, 26, 28, 29, 30] },
  { name: "a group after a group joins with &&", path: "filter", text: "(rank > 1 && active = true) (rank > 1)", status: 200, items: [7, 10, 13, 16, 19, 22, 28] },
  { name: "a group after a half comparison replaces it", path: "filter", text: "rank = (active = true)", status: 200, items: [1, 4, 7, 10, 13, 16, 19, 22, 25, 28] },
  { name: "\\b in a text literal is a backslash and b", path: "filter", text: "title:lower ?= 'a\\b'", status: 200, items: [4, 23, 26] },
  { name: "a JSON path against a multi-relation with a modifier", path: "filter", text: "j.a != tags.name:lower", status: 200, items: [2, 3, 6, 7, 8, 10, 11, 12, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 25, 26, 27, 30] },
  { name: "an empty multi-relation equals '[]'", path: "filter", text: "tags = '[]'", status: 200, items: [1, 5, 9, 13, 17, 21, 25, 29] },
  { name: "@collection against strftime in a list rule", path: "rule", text: "@collection.owners.name = strftime('%m-%d', due)", status: 200, items: [1, 8, 15, 22, 29] },
  { name: "@collection against strftime with ?= in a list rule", path: "rule", text: "@collection.owners.name ?= strftime('%m-%d', due)", status: 200, items: [1, 2, 6, 7, 8, 9, 14, 15, 16, 21, 22, 23, 28, 29, 30] },
  { name: ":isset, '[]' and a date literal together", path: "rule", text: "@request.body.title:isset = false && tags ?= '[]' || due > '2024-01-01 00:00:00.000Z'", status: 200, items: [1, 4, 5, 6, 7, 9, 11, 13, 14, 17, 18, 19, 21, 25, 26, 28, 29] },
  { name: "a modifier after a JSON path is part of the key", path: "filter", text: "j.a:lower = 'x' || j.a:each > 0", status: 200, items: [] },
  { name: "@request.auth with a modifier reads the auth row (NULL for guests)", path: "rule", text: "@request.auth.id:isset = null", status: 200, items: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30] },
  { name: "bare @request.auth is not a field", path: "filter", text: "@request.auth = ''", status: 400 },
  { name: ":each on a single relation walks its one value", path: "rule", text: "owner:each ?<= false", status: 200, items: [] },
  { name: "a submitted list is known non-empty", path: "rule", text: "@request.body.flags:each ?= owner", status: 200, items: [] },
  { name: "geoDistance with numbers is NULL as a LIKE pattern", path: "filter", text: "'x' !~ geoDistance(loc.lon, loc.lat, 0, 0)", status: 200, items: [] },
  { name: "geoDistance of a point to itself is 0", path: "filter", text: "geoDistance(loc.lon, loc.lat, -73.9, 40.7) = 0", status: 200, items: [3, 8, 9, 14, 19, 24, 25, 30] },
  { name: "-0 as a LIKE pattern keeps its sign", path: "filter", text: "active ?!~ -0", status: 200, items: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30] },
  { name: "a JSON path on the single side of a many-vs-one check loses IS", path: "filter", text: "notes_via_item.text != j.a.b.1", status: 200, items: [4, 6, 8, 13, 15, 18, 20, 22, 27, 29] },
  { name: "an unsubmitted :changed is the value 0, not a bare FALSE", path: "rule", text: "@collection.tags:t.id ?!= @request.body.title:changed", status: 200, items: Array.from({ length: 30 }, (_, i) => i + 1) },
  { name: "an empty JSON key is a malformed path SQLite refuses when it reads it", path: "filter", text: "j..b = 1", status: 400 },
  { name: "an empty JSON key SQLite never reads is no error", path: "filter", text: "rank > 1000000000 && j..b = 1", status: 200, items: [] },
  { name: "a sort by :isset is no valid ORDER BY term", path: "sort", text: "@request.body.title:isset", status: 400 },
  { name: "a sort by a submitted list's :length is no valid ORDER BY term", path: "sort", text: "@request.body.flags:length", status: 400 },
  { name: "a sort by :changed is no valid ORDER BY term", path: "sort", text: "@request.body.title:changed", status: 400 },
  { name: "TRUE/FALSE after IS test truth", path: "filter", text: "'ann@example.com' != @request.body.title:isset", status: 200, items: [] },
]
