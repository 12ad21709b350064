/**
 * @module
 * Consistent copies of the live databases, taken on a worker thread (see snapshot-worker.ts).
 */

/** Copies the SQLite database at `source` into the new file `target`. */
export function snapshotDatabase(source: string, target: string): Promise<void> {
  const worker = new Worker(new URL("./snapshot-worker.ts", import.meta.url).href)
  return new Promise<void>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ ok: boolean; error?: string }>) => {
      if (event.data.ok) resolve()
      else reject(new Error(`snapshot of ${source} failed: ${event.data.error}`))
    }
    worker.onerror = (event) => reject(new Error(`snapshot of ${source} failed: ${event.message}`))
    worker.postMessage({ source, target })
  }).finally(() => worker.terminate())
}
