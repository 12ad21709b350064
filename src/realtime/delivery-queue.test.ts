import { describe, expect, it } from "bun:test"
import { DeliveryQueue, type DeliveryJob } from "./delivery-queue.ts"

/** A job of `size` frames that records which frames it wrote, slice by slice. */
function job(name: string, size: number, log: string[]): DeliveryJob {
  let next = 0
  return {
    size,
    run(budget) {
      const end = Math.min(size, next + budget)
      const used = end - next
      for (; next < end; next++) log.push(`${name}${next}`)
      return { used, done: next >= size }
    },
  }
}

describe("delivery queue", () => {
  it("runs jobs one after another, in slices, starting after the current turn", async () => {
    const log: string[] = []
    const queue = new DeliveryQueue(() => {}, 2)
    queue.push(job("a", 3, log))
    queue.push(job("b", 2, log))
    expect(log).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(log).toEqual(["a0", "a1"])
    await queue.idle()
    expect(log).toEqual(["a0", "a1", "a2", "b0", "b1"])
  })

  it("reports a failing job and goes on with the next", async () => {
    const errors: unknown[] = []
    const log: string[] = []
    const queue = new DeliveryQueue((e) => errors.push(e))
    queue.push({ size: 1, run: () => { throw new Error("broken") } })
    queue.push(job("b", 1, log))
    await queue.idle()
    expect(errors).toHaveLength(1)
    expect(log).toEqual(["b0"])
  })

  it("counts its backlog and lets writers wait until it is short enough", async () => {
    const queue = new DeliveryQueue(() => {}, 5)
    expect(queue.whenBacklogAtMost(0)).toBeNull()
    for (let i = 0; i < 4; i++) queue.push(job(`j${i}`, 5, []))
    expect(queue.backlog).toBe(20)
    let released = -1
    const wait = queue.whenBacklogAtMost(10)!
    void wait.then(() => (released = queue.backlog))
    await wait
    expect(released).toBe(10)
    await queue.idle()
    expect(queue.backlog).toBe(0)
  })
})
