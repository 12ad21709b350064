/**
 * @module
 * Serves the dashboard's built files (made by `bun run build`, which `bun install` runs) from one
 * directory. Files are read from disk on each request, so every `--workers` process serves the
 * same build with no state of its own; a `.gz` twin written by the build is sent to clients that
 * accept gzip.
 */
import { join, normalize } from "node:path"

/** Where `scripts/build-dashboard.ts` writes the bundle. */
export const DASHBOARD_DIST = join(import.meta.dir, "..", "..", "dist", "dashboard")

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
}

const MISSING_BUILD = `<!doctype html><title>pocketbun dashboard</title>
<p>The dashboard has not been built yet. Run <code>bun run build</code> (or <code>bun install</code>) and reload.</p>`

/**
 * The response for `path` (relative to `/_/`): a built asset, or `index.html` for the root.
 * Returns null for files that do not exist or paths that leave the build directory.
 */
export async function dashboardFile(dir: string, path: string, acceptEncoding: string): Promise<Response | null> {
  const name = path === "" ? "index.html" : normalize(path)
  if (name.startsWith("..") || name.startsWith("/")) return null
  const extension = name.slice(name.lastIndexOf("."))
  const type = CONTENT_TYPES[extension]
  if (!type) return null
  const file = Bun.file(join(dir, name))
  if (!(await file.exists())) {
    return name === "index.html" ? new Response(MISSING_BUILD, { status: 503, headers: { "content-type": type } }) : null
  }
  // index.html names the hashed bundle, so it must be re-read; the bundle itself never changes.
  const cache = name === "index.html" ? "no-cache" : "public, max-age=31536000, immutable"
  const headers: Record<string, string> = { "content-type": type, "cache-control": cache, vary: "Accept-Encoding" }
  const gzipped = Bun.file(join(dir, `${name}.gz`))
  if (/\bgzip\b/.test(acceptEncoding) && (await gzipped.exists())) {
    return new Response(gzipped, { headers: { ...headers, "content-encoding": "gzip" } })
  }
  return new Response(file, { headers })
}
