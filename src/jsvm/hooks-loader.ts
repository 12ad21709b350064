/**
 * @module
 * `pb_hooks`: every `*.pb.js` file of the hooks folder, in file-name order, run by Bun with
 * PocketBase's hook globals (`routerAdd`, `routerUse`, `on*` hooks with tags, `cronAdd`, `$app`,
 * `$apis`, ...). Handlers hang on the app's hook bus and route table; a throwing handler answers
 * with PocketBase's API error and logs its file and line. With watching on, a change to the
 * folder unbinds everything the files bound and loads them again.
 */
import { existsSync, readdirSync, readFileSync, watch, type FSWatcher } from "node:fs"
import { createRequire } from "node:module"
import { join, resolve } from "node:path"
import { ApiError, badRequest } from "../core/errors.ts"
import { isThenable, SyncHook, type AppHooks } from "../hooks/index.ts"
import type { Services } from "../services.ts"
import { apisGlobal } from "./apis.ts"
import { POCKETBASE_HOOKS } from "./hook-names.ts"
import { baseGlobals } from "./globals.ts"
import { JsApp } from "./js-app.ts"
import { jsEvent } from "./js-event.ts"
import type { RouteHandler } from "./router.ts"
import { runScript, scriptLocation, toApiError } from "./script.ts"

type AnyHook = { bindFunc(func: (e: never) => unknown, ...tags: string[]): string; unbind(...ids: string[]): void }

const HOOK_FILE = /\.pb\.(js|ts)$/

// `*.pb.ts` files lose their types first (Bun's transpiler, no bundling).
const typescript = new Bun.Transpiler({ loader: "ts" })
const hookSource = (path: string) => {
  const source = readFileSync(path, "utf8")
  return path.endsWith(".ts") ? typescript.transformSync(source) : source
}

/** A record write a model hook failed with a plain error answers as PocketBase's: "Failed to create record." and so on. */
function failedWrite(error: unknown, event: Record<string, unknown>): ApiError {
  const { action, record } = event
  return record !== undefined && typeof action === "string" ? badRequest(`Failed to ${action} record.`) : toApiError(error)
}

/** Loads and reloads one app's `pb_hooks`. */
export class JsHooks {
  readonly #services: Services
  readonly #dir: string
  #unbind: Array<() => void> = []
  #watcher: FSWatcher | null = null

  constructor(services: Services) {
    this.#services = services
    this.#dir = services.config.hooksDir && resolve(services.config.hooksDir)
  }

  /** The hook files, in the order they load. */
  files(): string[] {
    if (!this.#dir || !existsSync(this.#dir)) return []
    return readdirSync(this.#dir).filter((name) => HOOK_FILE.test(name)).sort()
  }

  /** Runs every hook file; a file that throws is logged and skipped. */
  load(): void {
    const app = new JsApp(this.#services)
    this.#services.routes.view = { app, auth: (auth) => app.wrap(auth.collection, auth.record) }
    const globals = { ...baseGlobals(app, this.#dir), ...this.#hookGlobals(app) }
    for (const file of this.files()) {
      const path = join(this.#dir, file)
      try {
        runScript(hookSource(path), path, { ...globals, require: createRequire(path), module: { exports: {} } })
      } catch (error) {
        this.#log(error, `failed to load ${file}`)
      }
    }
  }

  /** Unbinds everything the files bound and forgets the modules they required from the folder. */
  unload(): void {
    for (const undo of this.#unbind.splice(0)) undo()
    if (!this.#dir) return
    const cache = createRequire(join(this.#dir, "index.js")).cache
    for (const key of Object.keys(cache)) if (key.startsWith(this.#dir)) delete cache[key]
  }

  /** Reloads the files whenever something in the folder changes. */
  watch(): void {
    if (!this.#dir || !existsSync(this.#dir) || this.#watcher) return
    let timer: ReturnType<typeof setTimeout> | null = null
    this.#watcher = watch(this.#dir, { recursive: true }, () => {
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => {
        this.unload()
        this.load()
        console.log("pb_hooks reloaded")
      }, 50)
    })
  }

  close(): void {
    this.#watcher?.close()
    this.#watcher = null
    this.unload()
  }

  #log(error: unknown, context: string): void {
    const where = scriptLocation(error, (file) => file.startsWith(this.#dir))
    const message = error instanceof Error ? error.message : String(error)
    console.error(`[pb_hooks] ${context}${where ? ` at ${where}` : ""}: ${message}`)
  }

  // Errors thrown by JavaScript become PocketBase's API errors; anything unexpected is logged with its place.
  #guard<A extends unknown[]>(func: (...args: A) => unknown, context: string, fallback?: (error: unknown, ...args: A) => ApiError): (...args: A) => unknown {
    return (...args) => {
      const fail = (error: unknown) => {
        if (error instanceof ApiError) throw error
        this.#log(error, context)
        throw fallback ? fallback(error, ...args) : toApiError(error)
      }
      try {
        const result = func(...args)
        return result instanceof Promise ? result.catch(fail) : result
      } catch (error) {
        return fail(error)
      }
    }
  }

  #hookGlobals(app: JsApp): Record<string, unknown> {
    const { hooks, routes } = this.#services
    const globals: Record<string, unknown> = {}
    for (const name of Object.keys(hooks) as Array<keyof AppHooks>) {
      const hook = hooks[name] as unknown as AnyHook
      const synchronous = hooks[name] instanceof SyncHook
      globals[name] = (handler: (e: unknown) => unknown, ...tags: string[]) => {
        const guarded = this.#guard((e: Record<string, unknown>) => handler(jsEvent(e, app)), name, failedWrite)
        // An async handler on a hook that runs inside a transaction goes on by itself (as under
        // PocketBase, whose interpreter does not wait for it); its failure is logged.
        const bound = synchronous
          ? (e: Record<string, unknown>) => {
              const result = guarded(e)
              if (isThenable(result)) Promise.resolve(result).catch(() => undefined)
            }
          : guarded
        const id = hook.bindFunc(bound as never, ...tags)
        this.#unbind.push(() => hook.unbind(id))
      }
    }
    const handlers = (list: unknown[]) =>
      list.flatMap((m) => (typeof m === "function" ? [m] : m && typeof m === "object" && typeof (m as { func?: unknown }).func === "function" ? [(m as { func: unknown }).func] : []))
        .map((m) => this.#guard(m as RouteHandler, "route") as RouteHandler)
    for (const name of POCKETBASE_HOOKS) {
      if (name in globals) continue
      let warned = false
      globals[name] = () => {
        if (!warned) console.warn(`[pb_hooks] ${name} is not supported by pocketbun: its handlers never run`)
        warned = true
      }
    }
    globals.routerAdd = (method: string, path: string, handler: RouteHandler, ...middlewares: unknown[]) => {
      this.#unbind.push(routes.add(method, path, this.#guard(handler, `${method} ${path}`) as RouteHandler, ...handlers(middlewares)))
    }
    globals.routerUse = (...middlewares: unknown[]) => this.#unbind.push(routes.use(...handlers(middlewares)))
    const { cron } = this.#services
    globals.cronAdd = (id: string, expression: string, run: () => unknown) => {
      const guarded = this.#guard(run, `cron ${id}`)
      // The guard logged the failure already; a rejected async job must not become unhandled.
      cron.add(id, expression, () => {
        const result = guarded()
        if (isThenable(result)) Promise.resolve(result).catch(() => undefined)
      })
      this.#unbind.push(() => cron.remove(id))
    }
    globals.cronRemove = (id: string) => cron.remove(id)
    const { rules, recordService } = this.#services
    globals.$apis = apisGlobal({ rules, renderer: recordService.renderer, hooks })
    globals.migrate = () => {
      throw new Error("migrate() belongs in pb_migrations, not pb_hooks")
    }
    return globals
  }
}
