/**
 * @module
 * The small field checks settings validation is built from, each returning PocketBase's field
 * error (or null). As in PocketBase, every check but `required` lets an empty value pass.
 */
import { isIP } from "node:net"
import { fieldError, type FieldError } from "../core/errors.ts"
import { isEmail, urlHost } from "../records/fields/domains.ts"

export type Check = (value: unknown) => FieldError | null

const isBlank = (value: unknown): boolean =>
  value === "" || value === 0 || value === false || value === null || value === undefined || (Array.isArray(value) && value.length === 0)

/** The first failing check's error: PocketBase reports one error per field. */
export function firstError(value: unknown, checks: Check[]): FieldError | null {
  for (const check of checks) {
    const error = check(value)
    if (error) return error
  }
  return null
}

export const required: Check = (value) => (isBlank(value) ? fieldError("validation_required", "Cannot be blank.") : null)

/** `required` only when `condition` holds (ozzo's `When`). */
export const requiredWhen = (condition: boolean): Check => (condition ? required : () => null)

const unlessBlank = (test: (value: unknown) => boolean, error: () => FieldError): Check => (value) =>
  isBlank(value) || test(value) ? null : error()

export const min = (threshold: number): Check =>
  unlessBlank((v) => (v as number) >= threshold, () => fieldError("validation_min_greater_equal_than_required", `Must be no less than ${threshold}.`, { threshold }))

export const max = (threshold: number): Check =>
  unlessBlank((v) => (v as number) <= threshold, () => fieldError("validation_max_less_equal_than_required", `Must be no greater than ${threshold}.`, { threshold }))

/** Length in characters (code points), as Go counts runes. */
export const length = (from: number, to: number): Check =>
  unlessBlank(
    (v) => {
      const runes = [...(v as string)].length
      return runes >= from && runes <= to
    },
    () =>
      from === to
        ? fieldError("validation_length_invalid", `The length must be exactly ${from}.`, { max: to, min: from })
        : fieldError("validation_length_out_of_range", `The length must be between ${from} and ${to}.`, { max: to, min: from }),
  )

export const oneOf = (...allowed: unknown[]): Check => unlessBlank((v) => allowed.includes(v), () => fieldError("validation_in_invalid", "Must be a valid value."))

export const matches = (pattern: RegExp): Check => unlessBlank((v) => pattern.test(v as string), () => fieldError("validation_match_invalid", "Must be in a valid format."))

export const url: Check = unlessBlank((v) => urlHost(v as string) !== null, () => fieldError("validation_is_url", "Must be a valid URL."))

export const email: Check = unlessBlank((v) => isEmail(v as string), () => fieldError("validation_is_email", "Must be a valid email address."))

export const hexColor: Check = unlessBlank((v) => /^#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(v as string), () => fieldError("validation_is_hex_color", "Must be a valid hex color code."))

const DNS_NAME = /^(?:[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})(?:\.[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})*[._]?$/

/** An IP address or a DNS name. */
export const host: Check = unlessBlank(
  (v) => isIP(v as string) !== 0 || ((v as string).length <= 255 && DNS_NAME.test(v as string)),
  () => fieldError("validation_is_host", "Must be a valid IP address or DNS name."),
)

/** True for an IP address or a CIDR subnet (`10.0.0.0/8`, `::1/128`). */
export function isIpOrSubnet(text: string): boolean {
  const slash = text.indexOf("/")
  if (slash < 0) return isIP(text) !== 0
  const version = isIP(text.slice(0, slash))
  const bits = text.slice(slash + 1)
  return version !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128)
}

// PocketBase's code keeps its historical misspelling ("invlaid").
export const ipOrSubnet: Check = unlessBlank((v) => isIpOrSubnet(v as string), () => fieldError("validation_invlaid_ip_or_subnet", "Invalid IP or CIDR subnet."))
