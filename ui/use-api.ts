/**
 * @module
 * Loading one API resource in a view: its data, its error (404 marks an API this server does
 * not offer), a reload, and optional polling.
 */
import { useCallback, useEffect, useState } from "preact/hooks"
import { errorMessage, errorStatus } from "./api.ts"

/** The state of one loaded resource. */
export interface Loaded<T> {
  data: T | null
  error: string
  /** The failing status; 404 means the endpoint does not exist here. */
  status: number
  reload: () => void
}

/** Runs `load` now, whenever `deps` change, and every `pollMs` when given. */
export function useApi<T>(load: () => Promise<T>, deps: unknown[], pollMs = 0): Loaded<T> {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState("")
  const [status, setStatus] = useState(0)
  const run = useCallback(() => {
    load().then(
      (value) => {
        setData(value)
        setError("")
        setStatus(0)
      },
      (failure) => {
        setError(errorMessage(failure))
        setStatus(errorStatus(failure))
      },
    )
  }, deps)
  useEffect(() => {
    run()
    if (pollMs <= 0) return
    const timer = setInterval(run, pollMs)
    return () => clearInterval(timer)
  }, [run, pollMs])
  return { data, error, status, reload: run }
}
