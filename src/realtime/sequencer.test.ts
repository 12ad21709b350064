import { describe, expect, it } from "bun:test"
import { CommitSequencer } from "./sequencer.ts"

async function waitFor(predicate: () => boolean, ms: number, message: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(message)
    await Bun.sleep(5)
  }
}

describe("commit sequencer", () => {
  it("delivers in order when items arrive in order", () => {
    const out: number[] = []
    const sequencer = new CommitSequencer<number>((n) => out.push(n))
    for (const n of [5, 6, 7]) sequencer.push(n, n)
    expect(out).toEqual([5, 6, 7])
  })

  it("holds a later item until the earlier one arrives", () => {
    const out: string[] = []
    const sequencer = new CommitSequencer<string>((s) => out.push(s))
    sequencer.push(1, "a")
    sequencer.push(3, "c")
    expect(out).toEqual(["a"])
    sequencer.push(2, "b")
    expect(out).toEqual(["a", "b", "c"])
    sequencer.close()
  })

  it("skips a gap that never fills after the timeout", async () => {
    const out: number[] = []
    const sequencer = new CommitSequencer<number>((n) => out.push(n), 20)
    sequencer.push(1, 1)
    sequencer.push(3, 3)
    sequencer.push(4, 4)
    await waitFor(() => out.length === 3, 1000, `gap was not skipped: ${out}`)
    expect(out).toEqual([1, 3, 4])
  })

  it("drops late and repeated items instead of delivering them twice or out of order", async () => {
    const out: number[] = []
    const sequencer = new CommitSequencer<number>((n) => out.push(n), 10)
    sequencer.push(10, 10)
    sequencer.push(12, 12)
    await waitFor(() => out.length === 2, 1000, "gap was not skipped")
    sequencer.push(11, 11) // arrives after 12 was delivered
    sequencer.push(12, 12) // a repeat
    expect(out).toEqual([10, 12])
    expect(sequencer.dropped).toBe(2)
  })
})
