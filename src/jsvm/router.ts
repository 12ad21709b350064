/**
 * @module
 * Custom routes and global middlewares (PocketBase's `routerAdd` / `routerUse`), without any
 * HTTP framework: the HTTP layer asks {@link RouteTable.dispatch} first, and the chain's last
 * step is either the matched custom route or the built-in API. Paths use PocketBase's patterns:
 * `/hello/{name}`, `/files/{path...}`, and `{$}` for an exact trailing slash.
 */
import type { AuthContext, RequestInfo } from "../core/types.ts"

/** A handler or middleware; calls `e.next()` to go on (middlewares) and answers through `e`. */
export type RouteHandler = (event: RouterEvent) => unknown

/** The request as PocketBase's JavaScript sees it (`e.request`). */
export interface RouterRequest {
  method: string
  url: { path: string; rawQuery: string; query(): { get(key: string): string; has(key: string): boolean } }
  header: { get(name: string): string }
  host: string
  remoteAddr: string
  /** The body's text (read it with `toString` / `readerToString`, as in PocketBase). */
  readonly body: string
  pathValue(name: string): string
}

/** What the HTTP layer hands over for one request. */
export interface RouterInput {
  request: Request
  auth: AuthContext | null
  ip: string
  /** Reads the request body once: its text (`e.request.body`) and values (`bindBody`, `requestInfo().body`). */
  body: () => Promise<{ raw: string; values: Record<string, unknown> }>
}

/** How events show the app and the auth record to handlers (JavaScript hooks show models). */
export interface RouterView {
  app: unknown
  auth(auth: AuthContext): unknown
}

const HTTP_STATUS_REDIRECT = (status: number) => status >= 300 && status <= 399

/** The part of Go's response writer handlers use: its headers. */
export class ResponseHeaders {
  readonly #headers = new Headers()
  #touched = false

  header(): { get(name: string): string; set(name: string, value: string): void; add(name: string, value: string): void; del(name: string): void } {
    this.#touched = true
    const headers = this.#headers
    return {
      get: (name) => headers.get(name) ?? "",
      set: (name, value) => headers.set(name, value),
      add: (name, value) => headers.append(name, value),
      del: (name) => headers.delete(name),
    }
  }

  /** The answer with these headers set on it. */
  applyTo(answer: Response): Response {
    if (!this.#touched) return answer
    const merged = new Response(answer.body, answer)
    this.#headers.forEach((value, name) => merged.headers.set(name, value))
    return merged
  }
}

/** One request through custom routes: PocketBase's `core.RequestEvent` methods. */
export class RouterEvent {
  /** The answer once a handler wrote one. */
  answer: Response | null = null
  /** Headers added to whatever the answer is (`e.response.header().set(...)`), as on Go's response writer. */
  readonly response = new ResponseHeaders()
  readonly request: RouterRequest
  /** The requester's auth record as the view shows it; null for guests. */
  readonly auth: unknown
  readonly app: unknown
  /** Values middlewares share with later handlers (`e.get` / `e.set`). */
  readonly #store = new Map<string, unknown>()
  #next: () => unknown = () => undefined
  #body: Record<string, unknown> = {}
  #rawBody = ""

  constructor(
    readonly input: RouterInput,
    readonly params: Record<string, string>,
    view: RouterView,
  ) {
    const url = new URL(input.request.url)
    const self = this
    this.auth = input.auth ? view.auth(input.auth) : null
    this.app = view.app
    this.request = {
      method: input.request.method,
      url: { path: url.pathname, rawQuery: url.search.slice(1), query: () => ({ get: (k) => url.searchParams.get(k) ?? "", has: (k) => url.searchParams.has(k) }) },
      header: { get: (name) => input.request.headers.get(name) ?? "" },
      host: url.host,
      remoteAddr: input.ip,
      pathValue: (name) => params[name] ?? "",
      get body() {
        return self.#rawBody
      },
    }
  }

  /** Reads the body (once) so the synchronous `bindBody`/`requestInfo` can see it. */
  async loadBody(): Promise<void> {
    const { raw, values } = await this.input.body()
    this.#rawBody = raw
    this.#body = values
  }

  get body(): Record<string, unknown> {
    return this.#body
  }

  /** Sets what `next()` runs (the rest of the chain). */
  setNext(next: () => unknown): void {
    this.#next = next
  }

  next(): unknown {
    return this.#next()
  }

  pathValue(name: string): string {
    return this.params[name] ?? ""
  }

  hasSuperuserAuth(): boolean {
    return this.input.auth?.collection.name === "_superusers"
  }

  /** `@request.*` as rules see it (the auth as its context). */
  ruleRequest(): RequestInfo {
    const url = new URL(this.input.request.url)
    const headers: Record<string, string> = {}
    this.input.request.headers.forEach((value, name) => void (headers[name.toLowerCase().replaceAll("-", "_")] ??= value))
    const query: Record<string, string> = {}
    for (const [key, value] of url.searchParams) query[key] ??= value
    return { auth: this.input.auth, body: this.#body, context: "default", headers, method: this.request.method, query }
  }

  /** `@request.*` as PocketBase's `e.requestInfo()` returns it. */
  requestInfo(): Record<string, unknown> {
    return { ...this.ruleRequest(), auth: this.auth }
  }

  realIP(): string {
    return this.input.ip
  }

  get(key: string): unknown {
    return this.#store.get(key)
  }

  set(key: string, value: unknown): void {
    this.#store.set(key, value)
  }

  json(status: number, data: unknown): void {
    this.answer = new Response(JSON.stringify(data), { status, headers: { "content-type": "application/json" } })
  }

  string(status: number, text: string): void {
    this.answer = new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8" } })
  }

  html(status: number, text: string): void {
    this.answer = new Response(text, { status, headers: { "content-type": "text/html; charset=utf-8" } })
  }

  blob(status: number, contentType: string, bytes: ArrayLike<number> | string): void {
    const body = typeof bytes === "string" ? bytes : new Uint8Array(Array.from(bytes))
    this.answer = new Response(body, { status, headers: { "content-type": contentType } })
  }

  noContent(status: number): void {
    this.answer = new Response(null, { status })
  }

  redirect(status: number, url: string): void {
    if (!HTTP_STATUS_REDIRECT(status)) throw new Error("invalid redirect status code")
    this.answer = new Response(null, { status, headers: { Location: url } })
  }

  /** Copies the request body's values onto `target` (PocketBase binds JSON and form bodies). */
  bindBody(target: Record<string, unknown>): void {
    Object.assign(target, this.#body)
  }
}

interface Route {
  method: string
  pattern: RegExp
  names: string[]
  handlers: RouteHandler[]
}

// `/a/{id}/{rest...}` to a regular expression with named segments; `{$}` anchors a trailing slash.
function compile(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = []
  let source = ""
  for (const part of path.split(/(\{[^}]+\})/)) {
    const param = /^\{([^}]*)\}$/.exec(part)
    if (!param) {
      source += part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    } else if (param[1] === "$") {
      source += ""
    } else if (param[1]!.endsWith("...")) {
      names.push(param[1]!.slice(0, -3))
      source += "(.*)"
    } else {
      names.push(param[1]!)
      source += "([^/]+)"
    }
  }
  return { pattern: new RegExp(`^${source}$`), names }
}

/** Registered custom routes and global middlewares, in registration order. */
export class RouteTable {
  #routes: Route[] = []
  #global: RouteHandler[] = []
  /** What handlers see as `e.app` and `e.auth`; JavaScript hooks replace it with their models. */
  view: RouterView = { app: null, auth: (auth) => auth }

  /** Adds a route; `method` "*" or "" matches any method. Middlewares run before the handler. Returns its removal. */
  add(method: string, path: string, handler: RouteHandler, ...middlewares: RouteHandler[]): () => void {
    const route = { method: method.toUpperCase(), ...compile(path), handlers: [...middlewares, handler] }
    this.#routes.push(route)
    return () => void (this.#routes = this.#routes.filter((r) => r !== route))
  }

  /** Adds middlewares that wrap every request, custom route or API. Returns their removal. */
  use(...middlewares: RouteHandler[]): () => void {
    this.#global.push(...middlewares)
    return () => void (this.#global = this.#global.filter((m) => !middlewares.includes(m)))
  }

  get isEmpty(): boolean {
    return this.#routes.length === 0 && this.#global.length === 0
  }

  #match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    for (const route of this.#routes) {
      if (route.method !== "*" && route.method !== "" && route.method !== method && !(method === "HEAD" && route.method === "GET")) continue
      const found = route.pattern.exec(path)
      if (!found) continue
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? "")]))
      return { route, params }
    }
    return null
  }

  /**
   * Runs the global middlewares and the matched route, or `api` (the built-in routes) when no
   * custom route matches. Returns the answer, or null when nothing here applies.
   */
  async dispatch(input: RouterInput, api: () => Promise<Response>): Promise<Response | null> {
    const path = new URL(input.request.url).pathname
    const match = this.#match(input.request.method, path)
    if (!match && this.#global.length === 0) return null
    const event = new RouterEvent(input, match?.params ?? {}, this.view)
    if (match) await event.loadBody()
    const final: RouteHandler = match
      ? (e) => runChain(e, match.route.handlers)
      : async (e) => void (e.answer = await api())
    await runChain(event, [...this.#global, final])
    // A handler that wrote nothing answers 200 with an empty body, as Go's response writer does.
    return event.response.applyTo(event.answer ?? new Response(null, { status: 200 }))
  }
}

// Each handler's `e.next()` runs the next one; the last one's `next()` does nothing.
function runChain(event: RouterEvent, handlers: RouteHandler[]): unknown {
  const call = (index: number): unknown => {
    const handler = handlers[index]
    if (!handler) return undefined
    event.setNext(() => call(index + 1))
    return handler(event)
  }
  return call(0)
}
