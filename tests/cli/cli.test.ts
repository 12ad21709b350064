/**
 * The command line as a user runs it: a child process per command, real data directories.
 */
import { afterAll, describe, expect, it } from "bun:test"
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import PocketBase from "pocketbase"
import { freePort, runCli, startServerProcess } from "../support/processes.ts"

const roots: string[] = []

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "pocketbun-cli-"))
  roots.push(root)
  return root
}


/** Starts `serve` and resolves once it prints its address; the deadline fails the test clearly. */
/** Starts `serve` on a free port with this data and migrations folder. */
const serve = async (dir: string, migrationsDir: string) =>
  startServerProcess(await freePort(), [`--dir=${dir}`, `--migrationsDir=${migrationsDir}`])

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true })
})

describe("cli", () => {
  it("rejects unknown commands and flags with usage and exit code 2", () => {
    for (const args of [["frobnicate"], [], ["serve", "--nope=1"], ["serve", "--http=no-port"], ["serve", "--realtimeHeartbeat=abc"], ["superuser", "upsert", "only-email"], ["migrate", "sideways"], ["migrate", "up", "x"]]) {
      const result = runCli(...args)
      expect(result.code).toBe(2)
      expect(result.stderr).toContain("usage:")
      expect(result.stderr.split("\n")[0]).toStartWith("Error: ")
    }
  })

  it("prints the usage on stdout and exits 0 when asked for help", () => {
    for (const args of [["--help"], ["-h"], ["help"], ["serve", "--help"], ["superuser", "--help"], ["migrate", "up", "-h"], ["serve", "--nope=1", "--help"]]) {
      const result = runCli(...args)
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: "" })
      expect(result.stdout).toStartWith("usage:\n")
      expect(result.stdout).toContain("pocketbun serve [--http=127.0.0.1:8090]")
    }
  })

  it("serves request heads up to PocketBase's 1 MiB limit under `bun run start`", async () => {
    const port = await freePort()
    const dir = join(tempRoot(), "pb_data")
    const child = Bun.spawn(["bun", "run", "start", `--http=127.0.0.1:${port}`, `--dir=${dir}`, `--migrationsDir=${join(dir, "none")}`], {
      cwd: join(import.meta.dir, "../.."),
      stdout: "ignore",
      stderr: "ignore",
    })
    try {
      const url = `http://127.0.0.1:${port}/api/health`
      const deadline = Date.now() + 20_000
      while (!(await fetch(url).then((r) => r.ok, () => false))) {
        if (Date.now() > deadline) throw new Error("bun run start did not come up")
        await Bun.sleep(50)
      }
      const response = await fetch(`${url}?pad=${"a".repeat(100_000)}`, { headers: { "x-long": "b".repeat(200_000) } })
      expect(response.status).toBe(200)
    } finally {
      child.kill("SIGTERM")
      await child.exited
    }
  }, 30_000) // `bun run start` starts a process per core

  it("creates, upserts and deletes superusers", async () => {
    const dir = join(tempRoot(), "pb_data")
    expect(runCli("superuser", "create", "a@example.com", "password-123", `--dir=${dir}`).code).toBe(0)
    expect(runCli("superuser", "create", "a@example.com", "password-123", `--dir=${dir}`).code).toBe(1)
    expect(runCli("superuser", "upsert", "a@example.com", "password-456", `--dir=${dir}`).code).toBe(0)
    expect(runCli("superuser", "upsert", "b@example.com", "password-789", `--dir=${dir}`).code).toBe(0)
    expect(runCli("superuser", "upsert", "not-an-email", "password-789", `--dir=${dir}`).code).toBe(1)
    expect(runCli("superuser", "delete", "b@example.com", `--dir=${dir}`).code).toBe(0)
    const last = runCli("superuser", "delete", "a@example.com", `--dir=${dir}`)
    expect(last.code).toBe(1)
    expect(last.stderr).toContain("only existing superuser")

    const server = await serve(dir, join(dir, "none"))
    try {
      const pb = new PocketBase(server.url)
      await pb.collection("_superusers").authWithPassword("a@example.com", "password-456")
      expect(pb.authStore.isSuperuser).toBe(true)
      await expect(new PocketBase(server.url).collection("_superusers").authWithPassword("a@example.com", "password-123")).rejects.toThrow()
    } finally {
      server.child.kill("SIGTERM")
      expect(await server.child.exited).toBe(0)
    }
  }, 30_000)

  it("keeps collections and records across a restart and shuts down cleanly on SIGINT", async () => {
    const root = tempRoot()
    const dir = join(root, "pb_data")
    expect(runCli("superuser", "upsert", "admin@example.com", "password-123", `--dir=${dir}`).code).toBe(0)
    const first = await serve(dir, join(root, "none"))
    const pb = new PocketBase(first.url)
    await pb.collection("_superusers").authWithPassword("admin@example.com", "password-123")
    await pb.collections.create({ name: "notes", fields: [{ name: "body", type: "text" }] })
    const note = await pb.collection("notes").create({ body: "written before the restart" })
    first.child.kill("SIGINT")
    expect(await first.child.exited).toBe(0)

    const second = await serve(dir, join(root, "none"))
    try {
      const again = new PocketBase(second.url)
      await again.collection("_superusers").authWithPassword("admin@example.com", "password-123")
      const notes = await again.collections.getOne("notes")
      expect(notes.fields.map((f: { name: string }) => f.name)).toEqual(["id", "body"])
      expect((await again.collection("notes").getOne(note.id)).body).toBe("written before the restart")
    } finally {
      second.child.kill("SIGINT")
      await second.child.exited
    }
  }, 30_000)

  it("applies migrations up and down, and a failing migration leaves no trace", () => {
    const root = tempRoot()
    const dir = join(root, "pb_data")
    const migrations = join(root, "migrations")
    mkdirSync(migrations)
    writeFileSync(join(migrations, "001_tags.ts"), `
      export function up(app) { app.collections.create({ name: "tags", fields: [{ name: "label", type: "text" }] }) }
      export function down(app) { app.collections.delete("tags") }
    `)
    const up = runCli("migrate", "up", `--dir=${dir}`, `--migrationsDir=${migrations}`)
    expect(up.code).toBe(0)
    expect(up.stdout).toContain("001_tags.ts")
    expect(runCli("migrate", "up", `--dir=${dir}`, `--migrationsDir=${migrations}`).stdout).toContain("No migrations to apply.")

    writeFileSync(join(migrations, "002_broken.ts"), `
      export function up(app) {
        app.collections.create({ name: "half_done", fields: [] })
        throw new Error("boom in the middle")
      }
    `)
    const broken = runCli("migrate", "up", `--dir=${dir}`, `--migrationsDir=${migrations}`)
    expect(broken.code).toBe(1)
    expect(broken.stderr).toContain("002_broken.ts")
    expect(broken.stderr).toContain("boom in the middle")
    rmSync(join(migrations, "002_broken.ts"))

    writeFileSync(join(migrations, "003_check.ts"), `
      export function up(app) {
        if (app.collections.find("half_done")) throw new Error("half_done survived a failed migration")
        if (!app.collections.find("tags")) throw new Error("tags missing")
      }
      export function down() {}
    `)
    expect(runCli("migrate", "up", `--dir=${dir}`, `--migrationsDir=${migrations}`).code).toBe(0)
    const down = runCli("migrate", "down", "2", `--dir=${dir}`, `--migrationsDir=${migrations}`)
    expect(down.code).toBe(0)
    expect(down.stdout).toContain("Reverted 003_check.ts")
    expect(down.stdout).toContain("Reverted 001_tags.ts")

    writeFileSync(join(migrations, "004_gone.ts"), `
      export function up(app) { if (app.collections.find("tags")) throw new Error("tags still there after down") }
    `)
    rmSync(join(migrations, "003_check.ts"))
    expect(runCli("migrate", "up", `--dir=${dir}`, `--migrationsDir=${migrations}`).code).toBe(1) // 001 re-applies, then 004 sees tags
  })

  it("refuses to serve when a migration fails, naming the file", () => {
    const root = tempRoot()
    const migrations = join(root, "migrations")
    mkdirSync(migrations)
    writeFileSync(join(migrations, "001_fail.js"), `export function up() { throw new Error("nope") }`)
    const result = runCli("serve", "--http=127.0.0.1:1", `--dir=${join(root, "pb_data")}`, `--migrationsDir=${migrations}`)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("001_fail.js")
  })
})
