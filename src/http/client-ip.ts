/**
 * @module
 * The client's address: the socket peer as Bun's server reports it, or, when the settings name
 * trusted proxy headers, the address such a header carries (PocketBase's `RealIP`).
 */
import type { Server } from "bun"
import { isIP } from "node:net"
import type { TrustedProxySettings } from "../settings/index.ts"

/** Bindings the app receives from `Bun.serve` (absent when called in-process with `app.fetch`). */
export interface ServerBindings {
  server?: Server<unknown>
  /** Set on a batch's internal requests: they carry the batch request's client IP. */
  batch?: { clientIp: string }
}

/** The socket peer's IP address, or "" when the request did not come through a socket. */
export function remoteIp(request: Request, env: ServerBindings | undefined): string {
  return env?.server?.requestIP(request)?.address ?? ""
}

/**
 * The client's IP: from the first trusted header that holds a valid address (its last value, the
 * one the proxy controls; the rightmost address of a list unless `useLeftmostIP`), else `peer`.
 * Headers are read only when the settings name them, so an untrusted peer cannot choose its IP.
 */
export function realIp(request: Request, peer: string, proxy: Readonly<TrustedProxySettings>): string {
  for (const header of proxy.headers) {
    const values = headerValues(request, header)
    const list = values.at(-1) ?? ""
    if (list === "") continue
    const candidates = list.split(",").map((part) => part.trim())
    if (!proxy.useLeftmostIP) candidates.reverse()
    const found = candidates.find((candidate) => isIP(candidate) !== 0)
    if (found) return expandIp(found)
  }
  return peer
}

// Fetch joins repeated headers with ", " (set-cookie aside), so the values are one list here.
function headerValues(request: Request, name: string): string[] {
  try {
    const joined = request.headers.get(name)
    return joined === null ? [] : [joined]
  } catch {
    return [] // not a valid header name
  }
}

// Go's netip `StringExpanded`: IPv6 with every group written out; IPv4 unchanged.
function expandIp(ip: string): string {
  if (isIP(ip) !== 6) return ip
  const [head = "", tail = ""] = ip.split("::")
  const parts = (text: string) => (text === "" ? [] : text.split(":"))
  const headParts = parts(head)
  const tailParts = parts(tail)
  const groups = ip.includes("::") ? [...headParts, ...Array(8 - headParts.length - tailParts.length).fill("0"), ...tailParts] : headParts
  return groups.map((group) => group.padStart(4, "0").toLowerCase()).join(":")
}
