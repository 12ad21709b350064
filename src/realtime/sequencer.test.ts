import { describe, expect, it } from "bun:test"
import { CommitSequencer, SeenNumbers } from "./sequencer.ts"

async function waitFor(predicate: () => boolean, ms: number, message: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(message)
    await Bun.sleep(5)
  }
}

interface Item {
  seq: number
  record: string
}

const item = (seq: number, record = `r${seq}`): Item => ({ seq, record })

function sequencer(out: number[], gapMs = 1000) {
  return new CommitSequencer<Item>((i) => out.push(i.seq), (i) => i.record, gapMs)
}

describe("commit sequencer", () => {
  it("delivers in order when items arrive in order", () => {
    const out: number[] = []
    const s = sequencer(out)
    for (const n of [5, 6, 7]) s.push(n, item(n))
    expect(out).toEqual([5, 6, 7])
  })

  it("holds a later item until the earlier one arrives", () => {
    const out: number[] = []
    const s = sequencer(out)
    s.push(1, item(1))
    s.push(3, item(3))
    expect(out).toEqual([1])
    s.push(2, item(2))
    expect(out).toEqual([1, 2, 3])
    s.close()
  })

  it("moves past a gap that does not fill within the timeout", async () => {
    const out: number[] = []
    const s = sequencer(out, 20)
    s.push(1, item(1))
    s.push(3, item(3))
    s.push(4, item(4))
    await waitFor(() => out.length === 3, 1000, `gap was not skipped: ${out}`)
    expect(out).toEqual([1, 3, 4])
  })

  it("still delivers a late item about another record, once", async () => {
    const out: number[] = []
    const s = sequencer(out, 10)
    s.push(10, item(10, "a"))
    s.push(12, item(12, "b"))
    await waitFor(() => out.length === 2, 1000, "gap was not skipped")
    s.push(11, item(11, "c"))
    expect(out).toEqual([10, 12, 11])
    expect(s.late).toBe(1)
    s.push(12, item(12, "b")) // a repeat of something already delivered
    expect(out).toEqual([10, 12, 11])
  })

  it("drops a late item when a newer one about the same record went first", async () => {
    const out: number[] = []
    const s = sequencer(out, 10)
    s.push(20, item(20, "x"))
    s.push(22, item(22, "x"))
    await waitFor(() => out.length === 2, 1000, "gap was not skipped")
    s.push(21, item(21, "x"))
    expect(out).toEqual([20, 22])
    expect(s.superseded).toBe(1)
  })
})

describe("CommitSequencer.startAt", () => {
  it("waits for the first number after the start instead of starting at whatever comes first", async () => {
    const out: number[] = []
    const s = sequencer(out)
    s.startAt(101)
    s.push(102, item(102))
    expect(out).toEqual([])
    s.push(101, item(101))
    expect(out).toEqual([101, 102])
    s.close()
  })
})

describe("SeenNumbers", () => {
  it("takes each number once and keeps a contiguous floor", () => {
    const seen = new SeenNumbers(10)
    expect(seen.add(10)).toBe(false)
    expect(seen.add(12)).toBe(true)
    expect(seen.add(12)).toBe(false)
    expect(seen.floor).toBe(10)
    expect(seen.add(11)).toBe(true)
    expect(seen.floor).toBe(12)
    seen.add(15)
    seen.skipThrough(13)
    expect(seen.floor).toBe(13)
    expect(seen.has(14)).toBe(false)
    expect(seen.add(14)).toBe(true)
    expect(seen.floor).toBe(15)
  })
})
