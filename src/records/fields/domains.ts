/**
 * @module
 * Email and URL format checks plus the `onlyDomains` / `exceptDomains` options they share.
 */

const LOCAL_ATOM = String.raw`[\p{L}\p{N}!#$%&'*+/=?^_\x60{|}~-]+`
const LABEL = String.raw`[\p{L}\p{N}_](?:[\p{L}\p{N}_-]*[\p{L}\p{N}_])?`
// the last label must hold a letter: checked on the reference server, `a@1.2` is rejected
const TLD = String.raw`[\p{L}\p{N}_-]*\p{L}[\p{L}\p{N}_-]*`
const EMAIL_RE = new RegExp(String.raw`^${LOCAL_ATOM}(?:\.${LOCAL_ATOM})*@(?:${LABEL}\.)+${TLD}\.?$`, "u")

/**
 * Email syntax as the reference server accepts it: `a@b.c`, `ü@b.com`, `a@b_c.com` and `a@b.com.`
 * pass; `a@b`, `a..b@c.com`, `.a@b.com`, `a@-b.com` fail.
 */
export function isEmail(text: string): boolean {
  if (text.length > 254) return false
  const at = text.lastIndexOf("@")
  if (at < 1 || at > 64) return false
  return EMAIL_RE.test(text)
}

/** The part after the last `@` (compared case-sensitively, as the reference server does). */
export const emailDomain = (email: string): string => email.slice(email.lastIndexOf("@") + 1)

const URL_SCHEMES = new Set(["http", "https", "ftp", "tcp", "udp", "ws", "wss"])
const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/
const HOST_RE = new RegExp(String.raw`^(?:${LABEL}\.)*${LABEL}\.?$`, "u")

/**
 * Splits a URL-ish string into its host, or returns `null` when it is not a valid URL in the
 * reference server's loose sense: the scheme is optional but, when given, must be a lowercase
 * http(s)/ftp/tcp/udp/ws(s); `x.com` and `mailto:a@b.c` pass, `bad`, `HTTP://X.COM`, `//x.com`,
 * `javascript:alert(1)` and anything with whitespace fail.
 */
export function urlHost(text: string): string | null {
  if (text === "" || text.length > 2083 || /\s/u.test(text)) return null
  let rest = text
  const schemeEnd = text.indexOf("://")
  if (schemeEnd >= 0) {
    if (!URL_SCHEMES.has(text.slice(0, schemeEnd))) return null
    rest = text.slice(schemeEnd + 3)
  } else if (text.startsWith("//")) {
    return null
  }
  let authority = rest.split(/[/?#]/, 1)[0]!
  const at = authority.lastIndexOf("@")
  if (at >= 0) authority = authority.slice(at + 1)
  let host = authority
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]")
    if (close < 0) return null
    host = authority.slice(0, close + 1)
    const tail = authority.slice(close + 1)
    if (tail !== "" && !/^:\d{1,5}$/.test(tail)) return null
    return /^\[[0-9a-fA-F:.]+\]$/.test(host) ? host.slice(1, -1) : null
  }
  const colon = authority.indexOf(":")
  if (colon >= 0) {
    if (!/^\d{1,5}$/.test(authority.slice(colon + 1))) return null
    host = authority.slice(0, colon)
  }
  if (host === "") return null
  if (IPV4.test(host)) return host.split(".").every((part) => Number(part) <= 255) ? host : null
  // without a scheme a single-label host is not a URL (reference: `bad` fails, `http://x` passes)
  if (schemeEnd < 0 && !host.includes(".")) return null
  return HOST_RE.test(host) ? host : null
}

/** True when `domain` passes the field's `onlyDomains` / `exceptDomains` lists (empty lists allow all). */
export function domainAllowed(domain: string, only: unknown, except: unknown): boolean {
  if (Array.isArray(only) && only.length > 0) return only.includes(domain)
  if (Array.isArray(except) && except.length > 0) return !except.includes(domain)
  return true
}
