/** `expand` normalization; the depth and dot rules were replayed on the reference server with a self relation. */
import { describe, expect, it } from "bun:test"
import { MAX_EXPAND_DEPTH, parseExpand, parseExpandPaths } from "./expand-paths.ts"

describe("parseExpandPaths", () => {
  it.each<[string | null | undefined, string[][]]>([
    [undefined, []],
    ["", []],
    [" , ", []],
    ["a", [["a"]]],
    ["a,b.c", [["a"], ["b", "c"]]],
    [" author , comments_via_post.author, author ", [["author"], ["comments_via_post", "author"]]],
    [".r.r.", [["r", "r"]]],
    [" r . r ", [["r", "r"]]],
    ["r,r.r", [["r", "r"]]],
    ["r.r,r", [["r", "r"]]],
    ["a.b,a.b,a", [["a", "b"]]],
    ["ab,a.c", [["ab"], ["a", "c"]]],
    ["r..r", [["r", "", "r"]]],
    ["a.b.c.d.e.f.g.h", [["a", "b", "c", "d", "e", "f"]]],
    ["r.r.r.r.r.r.r,r", [["r", "r", "r", "r", "r", "r"]]],
  ])("%p", (text, paths) => expect(parseExpandPaths(text)).toEqual(paths))

  it("caps depth at 6", () => expect(MAX_EXPAND_DEPTH).toBe(6))
})

describe("parseExpand", () => {
  it("builds a tree merging shared prefixes", () => {
    const tree = parseExpand("author,comments_via_post.author,comments_via_post.tags")
    expect([...tree.keys()]).toEqual(["author", "comments_via_post"])
    expect(tree.get("author")!.size).toBe(0)
    expect([...tree.get("comments_via_post")!.keys()]).toEqual(["author", "tags"])
  })
})
