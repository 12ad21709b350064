import { expect, it } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ChangeSignal } from "./change-signal.ts"

it("shares one counter between every mapping of the file, other processes included", () => {
  const dir = mkdtempSync(join(tmpdir(), "change-signal-"))
  try {
    const path = join(dir, "signal")
    const first = ChangeSignal.open(path)
    const second = ChangeSignal.open(path)
    first.bump()
    expect(second.read()).toBe(1)
    const child = Bun.spawnSync([process.execPath, "-e", `const { ChangeSignal } = await import(${JSON.stringify(import.meta.dir + "/change-signal.ts")}); ChangeSignal.open(${JSON.stringify(path)}).bump()`])
    expect(child.exitCode).toBe(0)
    expect(first.read()).toBe(2)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

it("keeps an in-process counter to itself", () => {
  const signal = ChangeSignal.inProcess()
  signal.bump()
  expect(signal.read()).toBe(1)
  expect(ChangeSignal.inProcess().read()).toBe(0)
})
