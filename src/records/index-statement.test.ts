import { describe, expect, it } from "bun:test"
import { buildIndex, hasStatementSeparator, indexOnTable, isValidIndex, parseIndex } from "./index-statement.ts"

// Each row: a statement, and what PocketBase v0.40.6 stores for it on a collection named `t`
// ("" when it answers "Invalid CREATE INDEX expression.").
const CASES: Array<[string, string]> = [
  ["CREATE INDEX i ON _superusers (email)", "CREATE INDEX `i` ON `t` (`email`)"],
  ["CREATE INDEX i ON zz (b) WHERE (b > 1)", "CREATE INDEX `i` ON `t` (`b`) WHERE (b > 1)"],
  ["CREATE INDEX i ON zz ((b))", "CREATE INDEX `i` ON `t` ((b))"],
  ["CREATE INDEX i ON zz (b, c) where (b = ')')", "CREATE INDEX `i` ON `t` (\n  `b`,\n  `c`\n) WHERE (b = ')')"],
  ["xx CREATE INDEX i ON zz (b)", "CREATE INDEX `i` ON `t` (`b`)"],
  ["CREATE INDEX i ON zz (b)  ", "CREATE INDEX `i` ON `t` (`b`)"],
  ["CREATE INDEX i ON zz (b) where ", "CREATE INDEX `i` ON `t` (`b`)"],
  ["CREATE INDEX i\nON zz (\nb\n)\t", "CREATE INDEX `i` ON `t` (`b`)"],
  ["CREATE INDEX i ON zz (b)\nWHERE b=1", "CREATE INDEX `i` ON `t` (`b`) WHERE b=1"],
  [
    "CREATE UNIQUE INDEX IF NOT EXISTS main.i ON w (b collate nocase desc, `c` ASC, lower(c)) where b != ''",
    "CREATE UNIQUE INDEX IF NOT EXISTS `main`.`i` ON `t` (\n  `b` COLLATE nocase DESC,\n  `c` ASC,\n  lower(c)\n) WHERE b != ''",
  ],
  ["CREATE INDEX i ON zz (b, ')' )", "CREATE INDEX `i` ON `t` (\n  `b`,\n  `)`\n)"],
  ["CREATE INDEX i ON zz (b)) WHERE b=1", "CREATE INDEX `i` ON `t` (`b)`) WHERE b=1"],
  ["CREATE INDEX i ON zz (b) junk", ""],
  ["CREATE INDEX i ON zz (b); DROP TABLE victim", ""],
  ["CREATE INDEX i ON zz (b);", ""],
  ["CREATE INDEX i ON zz (b)where b=1", ""],
  ["CREATE INDEX i ON zz (b) where", ""],
  ["CREATE INDEX i ON zz (b)\nfoo", ""],
  ["CREATE INDEX i ON zz (b, (c)", ""],
  ["CREATE INDEX ON zz (b)", ""],
  ["CREATE INDEX i ON zz ()", ""],
  ["CREATE TABLE i (b)", ""],
  ["DROP TABLE _superusers", ""],
  ['CREATE INDEX "i ON zz (b)', ""],
]

describe("collection index statements", () => {
  it.each(CASES)("rebuilds %p on the collection's own table as PocketBase stores it", (statement, stored) => {
    expect(indexOnTable(statement, "t")).toBe(stored)
  })

  it("reads every part of a statement", () => {
    const index = parseIndex("create unique index if not exists `s`.`i` on [t] (a collate nocase asc, b desc) where a != ''")
    expect(index).toEqual({
      unique: true,
      optional: true,
      schemaName: "s",
      indexName: "i",
      tableName: "t",
      columns: [{ name: "a", collate: "nocase", sort: "ASC" }, { name: "b", collate: "", sort: "DESC" }],
      where: "a != ''",
    })
    expect(isValidIndex(index)).toBe(true)
    expect(buildIndex({ ...index, columns: [] })).toBe("")
  })

  it("finds a second statement only outside quotes", () => {
    expect(hasStatementSeparator("CREATE INDEX `i` ON `t` (`b`) WHERE b = 1; DROP TABLE v")).toBe(true)
    expect(hasStatementSeparator("CREATE INDEX `i` ON `t` (`b`) WHERE b = ';'")).toBe(false)
    expect(hasStatementSeparator("CREATE INDEX `a;b` ON `t` ([x;y])")).toBe(false)
  })
})
