/**
 * @module
 * External programs some tests need (the reference `pocketbase`, `redis-server`). Where one is
 * missing, those tests skip and the reason is printed; under `CI=true` a missing one fails the
 * run instead, through a failing test that names what is missing and how to install it.
 */
import { it } from "bun:test"

/** True when the run must not skip anything for a missing program (`CI=true`). */
export const strictRun = (): boolean => process.env.CI === "true"

/**
 * Reports that `skipped` cannot run because of `reason`: prints it, or under `CI=true` registers a
 * failing test in the calling file. Call it at a file's top level.
 */
export function reportMissing(skipped: string, reason: string): void {
  if (!strictRun()) {
    console.log(`skipping ${skipped}: ${reason}`)
    return
  }
  it(`has what ${skipped} need${skipped.endsWith("s") ? "" : "s"} (CI=true: missing programs fail the run)`, () => {
    throw new Error(`${reason}; under CI=true this fails instead of skipping ${skipped}`)
  })
}
