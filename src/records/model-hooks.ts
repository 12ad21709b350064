/**
 * @module
 * The lifecycle every model write (record or collection) goes through, as in PocketBase:
 * the main hook wraps everything; inside it the write runs in a transaction through the execute
 * hook; the after-success hook runs once the outermost transaction committed, the after-error hook
 * when the write failed or its transaction was rolled back later (a cascade whose parent failed).
 */
import type { Store } from "../db/store.ts"
import type { HookEvent, SyncHook } from "../hooks/index.ts"

/** The hooks of one model action. */
export interface ModelHookSet<E extends HookEvent<void>, X extends HookEvent<void>> {
  main: SyncHook<E>
  execute?: SyncHook<E>
  success: SyncHook<E>
  error: SyncHook<X>
  /** Builds the after-error event from the event and the error. */
  failed: (event: E, error: unknown) => X
}

/** The steps the hooks guard: an optional validation, then the write itself. */
export interface ModelSteps<E> {
  /** Runs before the transaction opens (records: inside `onRecordValidate`). */
  validate?: (event: E) => void
  write: (event: E) => void
}

/**
 * Runs one model write through its hooks; returns whether the write ran (a handler that does
 * not call `next()` skips it, and then neither outcome hook runs).
 */
export function runModelHooks<E extends HookEvent<void>, X extends HookEvent<void>>(store: Store, hooks: ModelHookSet<E, X>, event: E, steps: ModelSteps<E>): boolean {
  let written = false
  let reported = false
  const report = (error: unknown) => {
    if (reported) return
    reported = true
    try {
      hooks.error.trigger(hooks.failed(event, error))
    } catch (hookError) {
      // The write's own error is what the caller must see.
      console.error(`${hooks.error.name} handler failed:`, hookError)
    }
  }
  try {
    hooks.main.trigger(event, (e) => {
      steps.validate?.(e)
      store.transaction(() => {
        const write = (inner: E) => {
          steps.write(inner)
          written = true
        }
        if (hooks.execute) hooks.execute.trigger(e, write)
        else write(e)
        if (!written) return
        store.afterCommit(() => hooks.success.trigger(e))
        store.afterRollback(report)
      })
    })
  } catch (error) {
    report(error)
    throw error
  }
  return written
}
