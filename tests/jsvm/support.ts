/**
 * @module
 * Runs a PocketBase app folder (pb_migrations, pb_hooks, pb_public) on pocketbun and, where
 * installed, on the reference PocketBase: each in a fresh copy, started with `serve` and only
 * `--dir`, so the folders are found where PocketBase looks for them.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freePort, runCli, startServerProcess } from "../support/processes.ts"
import { referenceExecutable, SUPERUSER_EMAIL, SUPERUSER_PASSWORD } from "../support/servers.ts"

export interface AppServer {
  name: "pocketbun" | "pocketbase"
  url: string
  root: string
  output(): string
  stop(): Promise<void>
}

async function waitForHealth(url: string, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline && isAlive()) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return
    } catch {
      // not listening yet
    }
    await Bun.sleep(50)
  }
  throw new Error(`${url} did not become healthy`)
}

/** A fresh copy of `appDir` (or an empty root) in a temp folder. */
export function appRoot(appDir?: string): string {
  const root = mkdtempSync(join(tmpdir(), "pb-app-"))
  if (appDir) cpSync(appDir, root, { recursive: true })
  return root
}

/** Starts pocketbun's `serve --dir ROOT/pb_data` (plus `flags`) with a superuser. */
export async function startPocketbunApp(root: string, flags: string[] = []): Promise<AppServer> {
  const dir = join(root, "pb_data")
  const upsert = runCli("superuser", "upsert", SUPERUSER_EMAIL, SUPERUSER_PASSWORD, `--dir=${dir}`)
  if (upsert.code !== 0) throw new Error(upsert.stderr)
  const server = await startServerProcess(await freePort(), [`--dir=${dir}`, ...flags])
  return { name: "pocketbun", url: server.url, root, output: server.output, stop: async () => void (await server.kill()) }
}

/** Starts the reference's `serve --dir ROOT/pb_data` (plus `flags`) from ROOT with a superuser. */
export async function startReferenceApp(root: string, flags: string[] = []): Promise<AppServer> {
  const { path, reason } = referenceExecutable()
  if (!path) throw new Error(reason)
  const dir = join(root, "pb_data")
  const upsert = Bun.spawnSync([path, "superuser", "upsert", SUPERUSER_EMAIL, SUPERUSER_PASSWORD, "--dir", dir], { cwd: root })
  if (upsert.exitCode !== 0) throw new Error(upsert.stderr.toString())
  const port = await freePort()
  let text = ""
  const child = Bun.spawn([path, "serve", "--http", `127.0.0.1:${port}`, "--dir", dir, ...flags], { cwd: root, stdout: "pipe", stderr: "pipe" })
  void (async () => {
    for await (const chunk of child.stderr as ReadableStream<Uint8Array>) text += new TextDecoder().decode(chunk)
  })()
  const url = `http://127.0.0.1:${port}`
  await waitForHealth(url, () => child.exitCode === null).catch((error) => {
    child.kill()
    throw error
  })
  return {
    name: "pocketbase", url, root, output: () => text,
    stop: async () => {
      child.kill()
      await child.exited
    },
  }
}

/** Removes the app's root once its server stopped. */
export async function stopApp(server: AppServer | undefined): Promise<void> {
  if (!server) return
  await server.stop()
  rmSync(server.root, { recursive: true, force: true })
}

/** Whether reference runs happen here; under CI the reference must be installed. */
export function referenceAvailable(): boolean {
  const { path, reason } = referenceExecutable()
  if (!path && process.env.CI === "true") throw new Error(reason)
  if (!path) console.log(`skipping reference PocketBase runs: ${reason}`)
  return path !== null
}
