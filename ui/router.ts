/**
 * @module
 * Hash routing (`#/collections/posts`): the server only ever serves `/_/`, so every worker
 * process answers every view the same way.
 */
import { useEffect, useState } from "preact/hooks"

const currentPath = () => location.hash.replace(/^#\/?/, "")

/** The current route's segments, re-rendering on navigation. */
export function useRoute(): string[] {
  const [path, setPath] = useState(currentPath)
  useEffect(() => {
    const update = () => setPath(currentPath())
    addEventListener("hashchange", update)
    return () => removeEventListener("hashchange", update)
  }, [])
  return path.split("/").filter(Boolean).map(decodeURIComponent)
}

/** Moves to `path` (without the leading `#/`). */
export function navigate(path: string): void {
  location.hash = `#/${path}`
}

/** An href for `path`, for links. */
export const href = (path: string): string => `#/${path}`
