/**
 * PocketBase's commands beyond serve, as a user runs them: `migrate create|collections|history-sync`
 * and `superuser update|otp`, with the migrations folder found beside the data directory.
 */
import { Database } from "bun:sqlite"
import { afterAll, describe, expect, it } from "bun:test"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runCli } from "../support/processes.ts"
import { referenceExecutable } from "../support/servers.ts"

const roots: string[] = []

/** A root folder with `pb_data` inside: PocketBase's layout. */
function tempRoot(): { root: string; dir: string; migrations: string } {
  const root = mkdtempSync(join(tmpdir(), "pocketbun-pbcli-"))
  roots.push(root)
  return { root, dir: join(root, "pb_data"), migrations: join(root, "pb_migrations") }
}

/** One column of a query over the data dir's database. */
function column(dir: string, sql: string): string[] {
  const db = new Database(join(dir, "data.db"), { readonly: true })
  try {
    return db.query<{ value: string }, []>(sql).all().map((r) => r.value)
  } finally {
    db.close()
  }
}

const applied = (dir: string) => column(dir, "SELECT file AS value FROM _migrations ORDER BY file")
const collectionNames = (dir: string) => column(dir, "SELECT name AS value FROM _collections ORDER BY name")

/** The snapshot file in `source`'s migrations, alone in a fresh data dir, gives the same collections. */
function expectSnapshotReplays(source: ReturnType<typeof tempRoot>): void {
  const file = readdirSync(source.migrations).find((f) => f.endsWith("_collections_snapshot.js"))
  expect(file).toBeDefined()
  const fresh = tempRoot()
  mkdirSync(fresh.migrations)
  writeFileSync(join(fresh.migrations, file!), readFileSync(join(source.migrations, file!)))
  expect(runCli("migrate", "up", `--dir=${fresh.dir}`).code).toBe(0)
  expect(collectionNames(fresh.dir)).toEqual(collectionNames(source.dir))
}

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true })
})

describe("migrate", () => {
  it("create writes a blank PocketBase migration beside the data dir; up applies it; history-sync forgets deleted files", () => {
    const { dir, migrations } = tempRoot()
    const created = runCli("migrate", "create", "add posts", `--dir=${dir}`)
    expect(created.code).toBe(0)
    const [file] = readdirSync(migrations)
    expect(file).toMatch(/^\d{10}_add_posts\.js$/)
    expect(readFileSync(join(migrations, file!), "utf8")).toContain("migrate((app) => {")
    writeFileSync(join(migrations, file!), `migrate((app) => {
  app.save(new Collection({ name: "posts", fields: [new TextField({ name: "title" })] }))
}, (app) => {
  app.delete(app.findCollectionByNameOrId("posts"))
})`)
    expect(runCli("migrate", "up", `--dir=${dir}`).stdout).toContain(`Applied ${file}`)
    expect(collectionNames(dir)).toContain("posts")
    expect(applied(dir)).toEqual([file!])

    rmSync(join(migrations, file!))
    const synced = runCli("migrate", "history-sync", `--dir=${dir}`)
    expect(synced.code).toBe(0)
    expect(applied(dir)).toEqual([])
    expect(collectionNames(dir)).toContain("posts")
  })

  it("collections writes a snapshot that recreates the schema in a fresh data dir", () => {
    const first = tempRoot()
    mkdirSync(first.migrations)
    writeFileSync(join(first.migrations, "1_tags.js"), `migrate((app) => {
  const tags = new Collection({ name: "tags", listRule: "" })
  tags.fields.add(new TextField({ name: "label", required: true }))
  tags.addIndex("idx_tags_label", true, "label")
  app.save(tags)
})`)
    expect(runCli("migrate", "up", `--dir=${first.dir}`).code).toBe(0)
    const snapshot = runCli("migrate", "collections", `--dir=${first.dir}`)
    expect(snapshot.code).toBe(0)
    expectSnapshotReplays(first)
  })

  it("the reference's own `migrate collections` snapshot gives pocketbun the same collections", () => {
    const reference = referenceExecutable().path
    if (!reference) {
      if (process.env.CI === "true") throw new Error("the reference `pocketbase` executable is required under CI")
      return console.log("skipping: the reference `pocketbase` executable is not on PATH")
    }
    const first = tempRoot()
    mkdirSync(first.migrations)
    writeFileSync(join(first.migrations, "1_posts.js"), `migrate((app) => {
  app.save(new Collection({ name: "posts", listRule: "", fields: [{ name: "title", type: "text", required: true }], indexes: ["CREATE INDEX idx_title ON posts (title)"] }))
})`)
    const run = (...args: string[]) => Bun.spawnSync([reference, ...args, "--dir", first.dir], { cwd: first.root, stdin: new TextEncoder().encode("y\n") })
    expect(run("migrate", "up").exitCode).toBe(0)
    expect(run("migrate", "collections").exitCode).toBe(0)
    expectSnapshotReplays(first)
  })

  it("a failing PocketBase migration names its line and the invalid fields, and leaves nothing behind", () => {
    const { dir, migrations } = tempRoot()
    mkdirSync(migrations)
    writeFileSync(join(migrations, "1_bad.js"), `migrate((app) => {
  app.save(new Collection({ name: "fine" }))
  app.save(new Collection({ name: "bad name!" }))
})`)
    const result = runCli("migrate", "up", `--dir=${dir}`)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("1_bad.js")
    expect(result.stderr).toContain('"name"')
    expect(result.stderr).toMatch(/1_bad\.js:3:\d+/)
    expect(collectionNames(dir)).not.toContain("fine")
  })

  it("down reverts a PocketBase migration with its down function", () => {
    const { dir, migrations } = tempRoot()
    mkdirSync(migrations)
    writeFileSync(join(migrations, "1_notes.js"), `migrate((app) => {
  app.save(new Collection({ name: "notes" }))
}, (app) => {
  app.delete(app.findCollectionByNameOrId("notes"))
})`)
    expect(runCli("migrate", "up", `--dir=${dir}`).code).toBe(0)
    expect(collectionNames(dir)).toContain("notes")
    expect(runCli("migrate", "down", `--dir=${dir}`).stdout).toContain("Reverted 1_notes.js")
    expect(collectionNames(dir)).not.toContain("notes")
  })
})

describe("superuser", () => {
  it("update changes an existing superuser's password and refuses an unknown one", () => {
    const { dir } = tempRoot()
    expect(runCli("superuser", "update", "a@example.com", "password-1", `--dir=${dir}`).code).toBe(1)
    expect(runCli("superuser", "create", "a@example.com", "password-1", `--dir=${dir}`).code).toBe(0)
    const updated = runCli("superuser", "update", "a@example.com", "password-2", `--dir=${dir}`)
    expect(updated.code).toBe(0)
    expect(updated.stdout).toContain("a@example.com")
  })

  it("otp needs OTP enabled on _superusers, then prints an id and a password of the configured length", () => {
    const { dir, migrations } = tempRoot()
    expect(runCli("superuser", "create", "a@example.com", "password-1", `--dir=${dir}`).code).toBe(0)
    const refused = runCli("superuser", "otp", "a@example.com", `--dir=${dir}`)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("OTP auth is not enabled for the _superusers collection")

    mkdirSync(migrations)
    writeFileSync(join(migrations, "1_otp.js"), `migrate((app) => {
  const superusers = app.findCollectionByNameOrId("_superusers")
  superusers.otp.enabled = true
  superusers.otp.length = 6
  app.save(superusers)
})`)
    expect(runCli("migrate", "up", `--dir=${dir}`).code).toBe(0)
    const made = runCli("superuser", "otp", "a@example.com", `--dir=${dir}`)
    expect(made.code).toBe(0)
    expect(made.stdout).toMatch(/Pass:\s+\d{6}\n/)
    expect(runCli("superuser", "otp", "nobody@example.com", `--dir=${dir}`).code).toBe(1)
  })
})
