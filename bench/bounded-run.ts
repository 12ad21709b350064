/**
 * @module
 * Runs a benchmark so that nothing it starts outlives it: everything registered in `live` is
 * stopped on success, on failure, on SIGINT/SIGTERM, on an unhandled rejection, and when the hard
 * time limit passes.
 */

/** Something a benchmark started (a server, a generator) that must be stopped at the end. */
export interface Stoppable {
  stop(): Promise<void> | void
}

/** Runs `main` within `hardLimitMs`, stopping everything in `live` however it ends; exits the process. */
export function runBounded(main: () => Promise<void>, live: Set<Stoppable>, hardLimitMs: number): void {
  const stopAll = async () => {
    await Promise.allSettled([...live].map((x) => x.stop()))
    live.clear()
  }
  const fail = async (error: unknown, code: number) => {
    if (error) console.error(error)
    await stopAll()
    process.exit(code)
  }
  const guard = setTimeout(() => void fail(`hard limit of ${hardLimitMs / 1000} s reached: stopping`, 3), hardLimitMs)
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void fail(null, 130))
  process.on("unhandledRejection", (error) => void fail(error, 1))
  main().then(
    async () => {
      clearTimeout(guard)
      await stopAll()
      process.exit(0)
    },
    (error) => fail(error, 1),
  )
}
