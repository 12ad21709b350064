/**
 * @module
 * A counter every process on one data directory shares through a small memory-mapped file: the
 * process that changed something the others cache (the settings) bumps it after its commit, and
 * the others notice with one memory read per request instead of a query (asking SQLite whether
 * anything changed took a third of a bare request's time).
 */
import { closeSync, fstatSync, ftruncateSync, openSync } from "node:fs"

const BYTES = 8

/** A shared change counter; `inProcess()` for a database no other process can open. */
export class ChangeSignal {
  readonly #counter: Int32Array

  private constructor(counter: Int32Array) {
    this.#counter = counter
  }

  /**
   * Maps (creating it when missing) the counter file at `path`. Where the file system cannot map
   * it, the counter is this process's own: other processes' changes are then noticed by the
   * caller's slower fallback.
   */
  static open(path: string): ChangeSignal {
    try {
      const fd = openSync(path, "a")
      try {
        // Every process may do this at once: growing a file to the same size is harmless.
        if (fstatSync(fd).size < BYTES) ftruncateSync(fd, BYTES)
      } finally {
        closeSync(fd)
      }
      const bytes = Bun.mmap(path)
      return new ChangeSignal(new Int32Array(bytes.buffer, bytes.byteOffset, 1))
    } catch (error) {
      console.warn(`cannot map ${path} (${error instanceof Error ? error.message : String(error)}); settings changed by another process take up to a second to apply`)
      return ChangeSignal.inProcess()
    }
  }

  /** A counter only this process sees (an in-memory database). */
  static inProcess(): ChangeSignal {
    return new ChangeSignal(new Int32Array(1))
  }

  read(): number {
    return Atomics.load(this.#counter, 0)
  }

  /** Tells every process a change was committed. */
  bump(): void {
    Atomics.add(this.#counter, 0, 1)
  }
}
