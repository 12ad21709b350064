/**
 * @module
 * A small closed-loop HTTP load generator: N concurrent workers, each sending its next request as
 * soon as the previous answer is fully read (fetch keeps connections alive), for a fixed duration.
 */

/** One request to send; `i` is a per-run sequence number for building distinct bodies/ids. `read` gets a successful answer's body. */
export type RequestFactory = (i: number) => { url: string; init?: RequestInit; read?: (body: ArrayBuffer) => void } | null

/** Throughput and latency of one run. */
export interface LoadResult {
  requests: number
  errors: number
  seconds: number
  rps: number
  p50: number
  p99: number
  firstError?: string
  /** Every request's latency in ms, for merging runs. */
  latencies: number[]
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** Runs `make` from `concurrency` workers for `durationMs` (or until it returns null); non-2xx answers count as errors. */
export async function runLoad(make: RequestFactory, options: { concurrency: number; durationMs: number }): Promise<LoadResult> {
  const latencies: number[] = []
  let errors = 0
  let firstError: string | undefined
  let sequence = 0
  const start = performance.now()
  const deadline = start + options.durationMs
  const worker = async () => {
    while (performance.now() < deadline) {
      const request = make(sequence++)
      if (!request) break
      const { url, init, read } = request
      const t0 = performance.now()
      try {
        const response = await fetch(url, init)
        const body = await response.arrayBuffer()
        if (response.status >= 300) {
          errors++
          firstError ??= `${response.status} ${new TextDecoder().decode(body).slice(0, 200)}`
        } else read?.(body)
      } catch (error) {
        errors++
        firstError ??= String(error)
      }
      latencies.push(performance.now() - t0)
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  return summarize(latencies, errors, (performance.now() - start) / 1000, firstError)
}

function summarize(latencies: number[], errors: number, seconds: number, firstError?: string): LoadResult {
  const sorted = Float64Array.from(latencies).sort()
  return { requests: latencies.length, errors, seconds, rps: latencies.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), firstError, latencies }
}

/** Merges runs of the same workload (e.g. time slices interleaved with another server's). */
export function mergeResults(results: LoadResult[]): LoadResult {
  const seconds = results.reduce((sum, r) => sum + r.seconds, 0)
  const errors = results.reduce((sum, r) => sum + r.errors, 0)
  return summarize(results.flatMap((r) => r.latencies), errors, seconds, results.find((r) => r.firstError)?.firstError)
}
