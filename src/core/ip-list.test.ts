import { describe, expect, it } from "bun:test"
import { ipInList } from "./ip-list.ts"

describe("ipInList", () => {
  it("matches addresses and IPv4 subnets", () => {
    expect(ipInList(["10.0.0.0/8"], "10.200.3.4")).toBe(true)
    expect(ipInList(["10.0.0.0/8"], "11.0.0.1")).toBe(false)
    expect(ipInList(["192.168.1.7"], "192.168.1.7")).toBe(true)
    expect(ipInList(["0.0.0.0/0"], "8.8.8.8")).toBe(true)
  })

  it("matches IPv6 subnets, compressed and embedded forms", () => {
    expect(ipInList(["2001:db8::/32"], "2001:db8:ffff::1")).toBe(true)
    expect(ipInList(["2001:db8::/32"], "2001:db9::1")).toBe(false)
    expect(ipInList(["::1"], "0:0:0:0:0:0:0:1")).toBe(true)
    expect(ipInList(["::ffff:0:0/96"], "::ffff:192.0.2.1")).toBe(true)
  })

  it("never matches across families, bad entries or an empty list", () => {
    expect(ipInList(["10.0.0.0/8"], "::1")).toBe(false)
    expect(ipInList(["nonsense", "10.0.0.0/99"], "10.0.0.1")).toBe(false)
    expect(ipInList([], "10.0.0.1")).toBe(false)
    expect(ipInList(["10.0.0.1"], "")).toBe(false)
  })
})
