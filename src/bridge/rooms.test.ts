/** Room templates: fields, multi-relations, reading through (multi-)relations, room parsing. */
import { describe, expect, it } from "bun:test"
import { expandsFor, parseRoom, resolveRooms } from "./rooms.ts"

describe("room templates", () => {
  it("takes a field, one room per id of a multi-relation, none for an empty value", () => {
    expect(resolveRooms(["channel:{channel}", "user:{user}"], { channel: "c1", user: "" })).toEqual(["channel:c1"])
    expect(resolveRooms(["user:{members}"], { members: ["u1", "u2"] })).toEqual(["user:u1", "user:u2"])
    expect(resolveRooms(["user:{members}"], { members: [] })).toEqual([])
  })

  it("reads through expanded relations, single or multiple, and names the expands it needs", () => {
    const reaction = { message: "m1", expand: { message: { channel: "c9", expand: { channel: { owner: "u7" } } } } }
    expect(resolveRooms(["channel:{message.channel}"], reaction)).toEqual(["channel:c9"])
    expect(resolveRooms(["user:{message.channel.owner}"], reaction)).toEqual(["user:u7"])
    expect(resolveRooms(["channel:{message.channel}"], { expand: { message: [{ channel: "a" }, { channel: "b" }] } })).toEqual(["channel:a", "channel:b"])
    expect(resolveRooms(["channel:{message.channel}"], { message: "m1" })).toEqual([])
    expect(expandsFor(["channel:{message.channel}", "user:{message.channel.owner}", "x:{id}"])).toEqual(["message", "message.channel"])
  })

  it("combines several placeholders of one template and drops duplicate rooms", () => {
    expect(resolveRooms(["{kind}:{id}", "{kind}:{id}"], { kind: "doc", id: "1" })).toEqual(["doc:1"])
  })

  it("parses prefix:id and refuses anything else", () => {
    expect(parseRoom("channel:abc")).toEqual({ prefix: "channel", id: "abc" })
    expect(parseRoom("a:b:c")).toEqual({ prefix: "a", id: "b:c" })
    for (const bad of ["channel", ":x", "x:", 42, null]) expect(parseRoom(bad)).toBeNull()
  })
})
