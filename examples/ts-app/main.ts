/**
 * @module
 * An app that extends pocketbun in TypeScript: a custom route, a request hook that stamps the
 * task's owner, a model hook, and a cron job. Run with `bun examples/ts-app/main.ts`
 * (`HTTP=127.0.0.1:8090`, `DATA_DIR=./pb_data`; migrations in `pb_migrations` beside it).
 */
import { ApiError, createApp } from "pocketbun"

const app = createApp({
  http: process.env.HTTP ?? "127.0.0.1:8090",
  dir: process.env.DATA_DIR ?? `${import.meta.dir}/pb_data`,
  migrationsDir: `${import.meta.dir}/pb_migrations`,
})

app.routes.add("GET", "/api/hello/{name}", (e) => e.json(200, { hello: e.pathValue("name") }))

app.hooks.onRecordCreateRequest.bindFunc(async (e) => {
  const auth = e.request.auth
  if (!auth) throw new ApiError(401, "Sign in to add tasks.")
  e.record.owner = auth.record.id
  await e.next()
}, "tasks")

app.hooks.onRecordValidate.bindFunc((e) => {
  if (String(e.record.title).trim() === "") throw new ApiError(400, "A task needs a title.")
  e.next()
}, "tasks")

app.cron.add("tasksReport", "0 * * * *", () => {
  console.log("tasks so far:", app.services.records.count(app.services.collections.get("tasks")))
})

const running = await app.start()
console.log(`ts-app listening on ${running.url}`)
process.once("SIGTERM", () => void running.stop().then(() => process.exit(0)))
process.once("SIGINT", () => void running.stop().then(() => process.exit(0)))
