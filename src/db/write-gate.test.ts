import { describe, expect, it } from "bun:test"
import { WriteGate } from "./write-gate.ts"

describe("write gate", () => {
  it("lets shared holders in at once and keeps them out while an exclusive holder works", async () => {
    const gate = new WriteGate()
    const order: string[] = []
    expect(gate.enterShared()).toBeNull()
    const exclusive = gate.exclusive(async () => {
      order.push("exclusive start")
      await Bun.sleep(5)
      order.push("exclusive end")
    })
    const waiting = gate.enterShared() // an exclusive holder waits: new shared holders queue behind it
    expect(waiting).not.toBeNull()
    void waiting!.then(() => order.push("shared after"))
    order.push("first shared leaves")
    gate.leaveShared()
    await exclusive
    await waiting
    expect(order).toEqual(["first shared leaves", "exclusive start", "exclusive end", "shared after"])
    gate.leaveShared()
  })

  it("runs exclusive holders one after another", async () => {
    const gate = new WriteGate()
    let inside = 0
    let most = 0
    await Promise.all(
      Array.from({ length: 3 }, () =>
        gate.exclusive(async () => {
          inside++
          most = Math.max(most, inside)
          await Bun.sleep(1)
          inside--
        }),
      ),
    )
    expect(most).toBe(1)
    expect(gate.enterShared()).toBeNull()
  })
})
