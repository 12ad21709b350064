/**
 * @module
 * Matching an IP address against a list of addresses and CIDR subnets (IPv4 and IPv6), as
 * PocketBase's `isIPInList` does for `superuserIPs` and `rateLimits.excludedIPs`.
 */
import { isIP } from "node:net"

/** True when `ip` equals an address of `list` or falls inside one of its subnets. */
export function ipInList(list: readonly string[], ip: string): boolean {
  if (list.length === 0 || isIP(ip) === 0) return false
  const address = toBigInt(ip)
  const family = isIP(ip)
  return list.some((item) => {
    const [base = "", bitsText] = item.split("/")
    if (isIP(base) !== family) return false
    const width = family === 4 ? 32 : 128
    const bits = bitsText === undefined ? width : Number(bitsText)
    if (!Number.isInteger(bits) || bits < 0 || bits > width) return false
    const shift = BigInt(width - bits)
    return toBigInt(base) >> shift === address >> shift
  })
}

function toBigInt(ip: string): bigint {
  if (isIP(ip) === 4) return ip.split(".").reduce((n, part) => (n << 8n) + BigInt(Number(part)), 0n)
  const [head = "", tail = ""] = ip.split("::")
  const groups = (text: string) => (text === "" ? [] : text.split(":"))
  let headGroups = groups(head)
  let tailGroups = ip.includes("::") ? groups(tail) : []
  // an embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups
  const embed = (list: string[]) => {
    const last = list.at(-1)
    if (!last?.includes(".")) return list
    const v4 = toBigInt(last)
    return [...list.slice(0, -1), (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)]
  }
  if (ip.includes("::")) tailGroups = embed(tailGroups)
  else headGroups = embed(headGroups)
  const all = [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups]
  return all.reduce((n, group) => (n << 16n) + BigInt(parseInt(group, 16)), 0n)
}
