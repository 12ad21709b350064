/**
 * @module
 * The orchestrator's side of the load generator (`clients.ts`): the child process driven by
 * request/reply over IPC, and the measuring helpers the realtime and cluster benchmarks share
 * (waiting for a quiet machine, draining frames, own CPU).
 */
import type { Subprocess } from "bun"
import type { GeneratorCommand, GeneratorReport } from "./clients.ts"
import { machineCpu, spawnRaised } from "./servers.ts"

type WithoutSeq<C> = C extends unknown ? Omit<C, "seq"> : never

/** Wall clock in epoch ms with sub-ms precision (the clock the generator measures latency with). */
export const now = (): number => performance.timeOrigin + performance.now()

/** The generator child process, driven by request/reply over IPC. */
export class Generator {
  #proc: Subprocess
  #seq = 0
  #waiting = new Map<number, (reply: any) => void>()
  ready: Promise<void>

  /** @param script the client process to run: SSE clients by default, `ws-clients.ts` for WebSockets. */
  constructor(script = "bench/realtime/clients.ts") {
    let onReady: () => void = () => {}
    this.ready = new Promise((r) => (onReady = r))
    this.#proc = spawnRaised(["bun", script], {
      ipc: (message: { seq: number; reply: unknown }) => {
        if (message.seq === 0) return onReady()
        this.#waiting.get(message.seq)?.(message.reply)
        this.#waiting.delete(message.seq)
      },
    })
  }

  /** The child's pid (for CPU accounting). */
  get pid(): number {
    return this.#proc.pid
  }

  call<T>(command: WithoutSeq<GeneratorCommand>): Promise<T> {
    const seq = ++this.#seq
    return new Promise<T>((resolve) => {
      this.#waiting.set(seq, resolve)
      this.#proc.send({ ...command, seq })
    })
  }

  async stop(): Promise<void> {
    this.#proc.kill("SIGKILL")
    await this.#proc.exited
  }
}

/** CPU seconds this process (the orchestrator) used so far. */
export function selfCpu(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

/**
 * The machine is shared (other benchmarks and test suites may be running): wait, up to
 * `seconds`, for a second in which less than 0.25 core is busy, so a phase starts from a quiet
 * machine when one comes. The phase reports what others used during it either way.
 */
export async function waitQuiet(seconds: number): Promise<void> {
  const deadline = performance.now() + seconds * 1000
  while (performance.now() < deadline) {
    const a = await machineCpu()
    await Bun.sleep(1_000)
    const b = await machineCpu()
    if ((b.busy - a.busy) / (b.total - a.total) * navigator.hardwareConcurrency < 0.25) return
  }
}

/** Waits until `expected` frames arrived, progress stalls for 3 s, or 30 s pass. */
export async function drain(gen: Generator, expected: number): Promise<GeneratorReport> {
  const deadline = performance.now() + 30_000
  let last = -1
  let lastChange = performance.now()
  for (;;) {
    const r = await gen.call<GeneratorReport>({ cmd: "report" })
    if (r.frames >= expected || performance.now() > deadline) return r
    if (r.frames !== last) {
      last = r.frames
      lastChange = performance.now()
    } else if (performance.now() - lastChange > 3_000) return r
    await Bun.sleep(250)
  }
}
