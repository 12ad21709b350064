/**
 * @module
 * One hook: an ordered list of handlers run as a chain. Each handler receives the event and
 * decides whether the rest of the chain (the later handlers, then the action the hook guards)
 * runs, by calling `e.next()`; not calling it stops everything after it. Handlers are ordered by
 * priority (lower first), then by the order they were bound; an id replaces or removes one.
 */
import { randomString } from "../core/random.ts"

const NEXT = Symbol("next")

// What `next()` does before a chain runs the event: nothing (one shared function, not a closure per event).
const NOTHING_NEXT = (): undefined => undefined

/**
 * The base of every hook event: `next()` runs the rest of the chain. Call it at most once; code
 * after it runs once the later handlers and the guarded action are done.
 */
export class HookEvent<R = void> {
  [NEXT]: () => R = NOTHING_NEXT as () => R

  /** Runs the remaining handlers and then the guarded action; returns what they return. */
  next(): R {
    return this[NEXT]()
  }
}

/** An event that can be filtered by tags (a collection's id and name). */
export interface Tagged {
  tags(): readonly string[]
}

/** A handler function; async hooks may return a promise, sync hooks must not. */
export type HandlerFunc<E, R> = (event: E) => R

/** A bound handler. */
export interface Handler<E, R> {
  func: HandlerFunc<E, R>
  /** Identifies the handler for `unbind`; binding an id again replaces that handler. @default a random id */
  id?: string
  /** Lower runs first; equal priorities keep binding order. @default 0 */
  priority?: number
  /** Only events carrying one of these tags reach the handler (tagged hooks); none: every event. */
  tags?: readonly string[]
}

interface Bound<E, R> {
  func: HandlerFunc<E, R>
  id: string
  priority: number
}

/** Thrown when a handler of a synchronous hook returns a promise. */
export class AsyncHandlerError extends TypeError {
  constructor(hookName: string) {
    super(`${hookName} handlers must be synchronous (they run inside a database transaction)`)
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function"
}

abstract class HookBase<E extends HookEvent<R>, R> {
  #handlers: Array<Bound<E, R>> = []
  // The handlers' functions in order, made when the handlers change, not on every run.
  #chain: Array<HandlerFunc<E, R>> = []
  readonly name: string

  constructor(name: string) {
    this.name = name
  }

  /** Binds a handler; returns its id. */
  bind(handler: Handler<E, R>): string {
    const func = handler.tags?.length ? this.#filtered(handler.func, handler.tags) : handler.func
    let id = handler.id ?? ""
    if (id === "") {
      do id = randomString(20)
      while (this.#handlers.some((h) => h.id === id))
    }
    const bound: Bound<E, R> = { func, id, priority: handler.priority ?? 0 }
    const at = this.#handlers.findIndex((h) => h.id === id)
    // A copy, so a chain that is running keeps the list it started with.
    const next = [...this.#handlers]
    if (at === -1) next.push(bound)
    else next[at] = bound
    // Array.prototype.sort is stable: equal priorities keep their binding order.
    this.#setHandlers(next.sort((a, b) => a.priority - b.priority))
    return id
  }

  /** Binds a function with the default priority and a random id; with tags, only events carrying one of them reach it. */
  bindFunc(func: HandlerFunc<E, R>, ...tags: string[]): string {
    return this.bind({ func, tags })
  }

  /** Removes the handlers with these ids. */
  unbind(...ids: string[]): void {
    this.#setHandlers(this.#handlers.filter((h) => !ids.includes(h.id)))
  }

  /** Removes every handler. */
  unbindAll(): void {
    this.#setHandlers([])
  }

  /** Number of bound handlers. */
  get length(): number {
    return this.#handlers.length
  }

  /** Runs the chain: every handler in order, then `action` if the last handler called `next()`. */
  protected run(event: E, action?: (event: E) => R): R {
    // A running chain keeps the list it started with, even if a handler binds or unbinds.
    const chain = this.#chain
    const call = (index: number): R => {
      if (index < chain.length) {
        event[NEXT] = () => call(index + 1)
        return chain[index]!(event)
      }
      event[NEXT] = () => this.end()
      return action ? action(event) : this.end()
    }
    return call(0)
  }

  #setHandlers(handlers: Array<Bound<E, R>>): void {
    this.#handlers = handlers
    this.#chain = handlers.map((h) => h.func)
  }

  /** What `next()` returns past the end of the chain. */
  protected abstract end(): R

  #filtered(func: HandlerFunc<E, R>, tags: readonly string[]): HandlerFunc<E, R> {
    return (event) => {
      const carried = (event as unknown as Partial<Tagged>).tags?.() ?? []
      return carried.some((t) => tags.includes(t)) ? func(event) : event.next()
    }
  }
}

/**
 * A hook whose handlers may be async (request, realtime subscribe, app lifecycle hooks).
 * `trigger` resolves once the chain is done; it stays synchronous up to the first handler
 * that actually awaits, so a chain with no async handler runs its action in the same tick.
 */
export class Hook<E extends HookEvent<Promise<void> | void>> extends HookBase<E, Promise<void> | void> {
  /** Runs the chain and then `action`; returns a promise only when some handler went async. */
  trigger(event: E, action?: (event: E) => Promise<void> | void): Promise<void> | void {
    return this.run(event, action)
  }

  protected end(): void {}
}

/**
 * A hook whose handlers run inside a database transaction (model-level record and collection
 * hooks, message sends): they must finish synchronously, so a returned promise is an error.
 */
export class SyncHook<E extends HookEvent<void>> extends HookBase<E, void> {
  override bind(handler: Handler<E, void>): string {
    const func = handler.func
    return super.bind({
      ...handler,
      func: (event) => {
        if (isThenable(func(event) as unknown)) throw new AsyncHandlerError(this.name)
      },
    })
  }

  /** Runs the chain and then `action`, synchronously. */
  trigger(event: E, action?: (event: E) => void): void {
    this.run(event, action)
  }

  protected end(): void {}
}

/** True when a hook chain went async; callers await only then, so sync chains keep their tick. */
export { isThenable }
