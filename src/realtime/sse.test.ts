import { describe, expect, it } from "bun:test"
import { connectMessage, encodeFrame, encodeFrameHead, encodeFrameTail, HEARTBEAT_FRAME, PB_CONNECT } from "./sse.ts"

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe("sse encoder", () => {
  it("writes id, event and data with no spaces, in that order (#45)", () => {
    expect(encodeFrame("test_id", { name: "test_name", data: "test_data" })).toBe("id:test_id\nevent:test_name\ndata:test_data\n\n")
  })

  it("head plus shared tail gives the same bytes as the whole frame", () => {
    const msg = { name: "posts/*?options=%7B%7D", data: '{"a":1}' }
    expect(text(encodeFrameHead("abc")) + text(encodeFrameTail(msg))).toBe(encodeFrame("abc", msg))
  })

  it("PB_CONNECT carries the client id in data", () => {
    expect(PB_CONNECT).toBe("PB_CONNECT")
    expect(encodeFrame("X1", connectMessage("X1"))).toBe('id:X1\nevent:PB_CONNECT\ndata:{"clientId":"X1"}\n\n')
  })

  it("heartbeat is a comment frame", () => {
    expect(text(HEARTBEAT_FRAME)).toBe(":\n\n")
  })
})
