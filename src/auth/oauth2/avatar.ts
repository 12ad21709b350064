/**
 * @module
 * Downloads a provider's avatar into a file for the mapped file field. The URL comes from the
 * provider, so only public addresses are fetched (no loopback or private networks), the size is
 * capped and the whole download bounded in time.
 */
import { lookup } from "node:dns/promises"
import { isIP } from "node:net"

/** Largest avatar accepted (bytes). */
const MAX_AVATAR_BYTES = 5 * 1024 * 1024
const AVATAR_TIMEOUT_MS = 10_000

/** True for loopback, private, link-local, multicast and unspecified addresses. */
export function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const [a = 0, b = 0] = address.split(".").map(Number)
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a >= 224
  }
  const v6 = address.toLowerCase()
  if (v6.startsWith("::ffff:")) return isPrivateAddress(v6.slice(7))
  return v6 === "::" || v6 === "::1" || v6.startsWith("fc") || v6.startsWith("fd") || v6.startsWith("fe80") || v6.startsWith("ff")
}

/**
 * The avatar at `url` as a file named after its path, or null when it cannot be fetched
 * safely. `allowPrivate` lets tests fetch from loopback.
 */
export async function downloadAvatar(url: string, allowPrivate = false): Promise<File | null> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null
  if (!allowPrivate) {
    const host = parsed.hostname.replace(/^\[|\]$/g, "")
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address)
    if (addresses.length === 0 || addresses.some(isPrivateAddress)) return null
  }
  // Redirects are not followed: the next hop would skip the address check.
  const response = await fetch(parsed, { redirect: "manual", signal: AbortSignal.timeout(AVATAR_TIMEOUT_MS) }).catch(() => null)
  if (!response?.ok) return null
  const bytes = new Uint8Array(await response.arrayBuffer())
  if (bytes.byteLength === 0 || bytes.byteLength > MAX_AVATAR_BYTES) return null
  const name = parsed.pathname.split("/").pop() || "avatar"
  return new File([bytes], name, { type: response.headers.get("content-type") ?? "" })
}
