/**
 * @module
 * pocketbun servers as child processes (`bun src/cli.ts serve …`), for multi-process tests.
 */
import type { Subprocess } from "bun"
import PocketBase from "pocketbase"
import { freePort } from "./servers.ts"

export { freePort }

const CLI = `${import.meta.dir}/../../src/cli.ts`

export interface ServerProcess {
  url: string
  port: number
  child: Subprocess
  /** Output so far, for failure messages. */
  output(): string
  kill(signal?: NodeJS.Signals): Promise<number>
}

/** Runs a CLI command to completion. */
export function runCli(...args: string[]) {
  const result = Bun.spawnSync(["bun", CLI, ...args], { stdout: "pipe", stderr: "pipe" })
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() }
}

/** Starts `serve` with `flags` on `port` and waits until /api/health answers. */
export async function startServerProcess(port: number, flags: string[]): Promise<ServerProcess> {
  // One process unless the test asks for more (`serve` defaults to one per core).
  const workers = flags.some((flag) => flag.startsWith("--workers")) ? [] : ["--workers=1"]
  const child = Bun.spawn(["bun", CLI, "serve", `--http=127.0.0.1:${port}`, ...workers, ...flags], { stdout: "pipe", stderr: "pipe" })
  let text = ""
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += new TextDecoder().decode(chunk)
  }
  void drain(child.stdout as ReadableStream<Uint8Array>)
  void drain(child.stderr as ReadableStream<Uint8Array>)
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  for (;;) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill()
      throw new Error(`serve on port ${port} did not come up: ${text}`)
    }
    await Bun.sleep(50)
  }
  return {
    url,
    port,
    child,
    output: () => text,
    async kill(signal = "SIGTERM") {
      child.kill(signal)
      return child.exited
    },
  }
}

/** An SDK client authenticated as a superuser on `url`. */
export async function superuserClient(url: string, email: string, password: string): Promise<PocketBase> {
  const pb = new PocketBase(url)
  pb.autoCancellation(false)
  await pb.collection("_superusers").authWithPassword(email, password)
  return pb
}
