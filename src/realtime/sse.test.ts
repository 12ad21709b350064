import { describe, expect, it } from "bun:test"
import { connectMessage, encodeFrameHead, encodeFrameTail, HEARTBEAT_FRAME, PB_CONNECT, type Message } from "./sse.ts"

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
const frame = (clientId: string, message: Message) => text(encodeFrameHead(clientId)) + text(encodeFrameTail(message))

describe("sse encoder", () => {
  it("writes id, event and data with no spaces, in that order (#45)", () => {
    expect(frame("test_id", { name: "test_name", data: "test_data" })).toBe("id:test_id\nevent:test_name\ndata:test_data\n\n")
    expect(frame("abc", { name: "posts/*?options=%7B%7D", data: '{"a":1}' })).toBe('id:abc\nevent:posts/*?options=%7B%7D\ndata:{"a":1}\n\n')
  })

  it("PB_CONNECT carries the client id in data", () => {
    expect(PB_CONNECT).toBe("PB_CONNECT")
    expect(frame("X1", connectMessage("X1"))).toBe('id:X1\nevent:PB_CONNECT\ndata:{"clientId":"X1"}\n\n')
  })

  it("heartbeat is a comment frame", () => {
    expect(text(HEARTBEAT_FRAME)).toBe(":\n\n")
  })
})
