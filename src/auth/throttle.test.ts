import { describe, expect, it } from "bun:test"
import { LoginThrottle, type ThrottleConfig } from "./throttle.ts"

/** A throttle with a hand-driven clock. */
function setup(config: Partial<ThrottleConfig> = {}) {
  let time = 1_000_000
  const throttle = new LoginThrottle({ now: () => time, ...config })
  return { throttle, advance: (ms: number) => void (time += ms) }
}

const alice = { identity: "alice@example.com", ip: "10.0.0.1" }

function fail(throttle: LoginThrottle, attempt: { identity: string; ip: string }, times: number) {
  for (let i = 0; i < times; i++) throttle.attempt(attempt)
}

describe("login throttle", () => {
  it("allows the first five failures and refuses the sixth attempt", () => {
    const { throttle } = setup()
    for (let i = 0; i < 5; i++) expect(throttle.attempt(alice)).toEqual({ allowed: true })
    expect(throttle.attempt(alice)).toEqual({ allowed: false, reason: "pair", retryAfterMs: 60_000 })
    expect(throttle.check(alice)).toEqual({ allowed: false, reason: "pair", retryAfterMs: 60_000 })
  })

  it("keeps refusing for the rest of the window, then allows again", () => {
    const { throttle, advance } = setup()
    fail(throttle, alice, 5)
    advance(45_000)
    expect(throttle.check(alice)).toEqual({ allowed: false, reason: "pair", retryAfterMs: 15_000 })
    advance(14_999)
    expect(throttle.check(alice).allowed).toBe(false)
    advance(1)
    expect(throttle.check(alice)).toEqual({ allowed: true })
  })

  it("starts a fresh window after expiry", () => {
    const { throttle, advance } = setup()
    fail(throttle, alice, 4)
    advance(60_000)
    fail(throttle, alice, 4)
    expect(throttle.check(alice).allowed).toBe(true)
    throttle.attempt(alice)
    expect(throttle.check(alice).allowed).toBe(false)
  })

  it("counts each identity and IP pair separately", () => {
    const { throttle } = setup()
    fail(throttle, alice, 5)
    expect(throttle.check({ identity: "bob@example.com", ip: alice.ip }).allowed).toBe(true)
    expect(throttle.check({ identity: alice.identity, ip: "10.0.0.2" }).allowed).toBe(true)
  })

  it("treats identities case- and space-insensitively", () => {
    const { throttle } = setup()
    fail(throttle, { identity: " Alice@Example.com", ip: alice.ip }, 5)
    expect(throttle.check(alice).allowed).toBe(false)
  })

  it("caps failures per IP across identities", () => {
    const { throttle, advance } = setup({ maxFailuresPerIp: 8 })
    for (let i = 0; i < 8; i++) throttle.attempt({ identity: `user${i}@x.io`, ip: alice.ip })
    advance(10_000)
    expect(throttle.check({ identity: "fresh@x.io", ip: alice.ip })).toEqual({
      allowed: false, reason: "ip", retryAfterMs: 50_000,
    })
    expect(throttle.check({ identity: "fresh@x.io", ip: "10.9.9.9" }).allowed).toBe(true)
  })

  it("counts concurrent attempts before their outcome is known", () => {
    const { throttle } = setup()
    const decisions = Array.from({ length: 10 }, () => throttle.attempt(alice))
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5)
  })

  it("does not count refused attempts, so the block ends with the window", () => {
    const { throttle, advance } = setup()
    fail(throttle, alice, 5)
    for (let i = 0; i < 50; i++) {
      advance(1_000)
      expect(throttle.attempt(alice).allowed).toBe(false)
    }
    advance(10_000)
    expect(throttle.attempt(alice).allowed).toBe(true)
  })

  it("refunds a successful login: clears the pair and gives the IP its attempt back", () => {
    const { throttle } = setup({ maxFailuresPerIp: 6 })
    fail(throttle, alice, 4)
    throttle.attempt(alice)
    throttle.recordSuccess(alice)
    // Pair is clear; the IP still holds the four real failures.
    fail(throttle, alice, 1)
    expect(throttle.check(alice).allowed).toBe(true)
    fail(throttle, alice, 1)
    expect(throttle.check(alice)).toMatchObject({ allowed: false, reason: "ip" })
  })

  it("lets many successful logins through from one IP", () => {
    const { throttle } = setup()
    for (let i = 0; i < 100; i++) {
      const attempt = { identity: `user${i}@x.io`, ip: alice.ip }
      expect(throttle.attempt(attempt).allowed).toBe(true)
      throttle.recordSuccess(attempt)
    }
  })

  it("honours custom limits and windows", () => {
    const { throttle, advance } = setup({ maxFailuresPerPair: 2, windowMs: 1_000 })
    fail(throttle, alice, 2)
    expect(throttle.check(alice)).toEqual({ allowed: false, reason: "pair", retryAfterMs: 1_000 })
    advance(1_000)
    expect(throttle.check(alice).allowed).toBe(true)
  })

  it("stays within maxKeys by dropping expired and then oldest entries", () => {
    const { throttle, advance } = setup({ maxKeys: 100 })
    for (let i = 0; i < 100; i++) throttle.attempt({ identity: `u${i}`, ip: `ip${i}` })
    expect(throttle.size).toEqual({ pairs: 100, ips: 100 })
    advance(60_000)
    throttle.attempt(alice)
    expect(throttle.size).toEqual({ pairs: 1, ips: 1 })

    for (let i = 0; i < 500; i++) throttle.attempt({ identity: `v${i}`, ip: `jp${i}` })
    expect(throttle.size.pairs).toBeLessThanOrEqual(100)
    expect(throttle.size.ips).toBeLessThanOrEqual(100)
    // The most recent keys survive eviction.
    fail(throttle, { identity: "v499", ip: "jp499" }, 4)
    expect(throttle.check({ identity: "v499", ip: "jp499" }).allowed).toBe(false)
  })

  it("rejects nonsensical configuration", () => {
    expect(() => new LoginThrottle({ windowMs: 0 })).toThrow(RangeError)
    expect(() => new LoginThrottle({ maxFailuresPerPair: Number.NaN })).toThrow(RangeError)
  })
})
