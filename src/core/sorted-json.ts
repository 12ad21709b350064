/**
 * @module
 * JSON text with every object's keys in byte order, as Go writes a map. `JSON.stringify` cannot do
 * this for integer-like keys (a JS object always lists `"2"` before `"10"`; Go writes `"10"` first),
 * so the text is built here. Meant for small payloads such as error data, not for hot paths.
 */

/** JSON text of `value` with sorted object keys; `undefined` object values are left out as `JSON.stringify` does. */
export function jsonWithSortedKeys(value: unknown): string {
  if (value !== null && typeof value === "object" && "toJSON" in value && typeof value.toJSON === "function") {
    return jsonWithSortedKeys(value.toJSON())
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : jsonWithSortedKeys(item))).join(",")}]`
  if (value !== null && typeof value === "object") {
    const object = value as Record<string, unknown>
    const members: string[] = []
    for (const key of Object.keys(object).sort()) {
      if (object[key] !== undefined) members.push(`${JSON.stringify(key)}:${jsonWithSortedKeys(object[key])}`)
    }
    return `{${members.join(",")}}`
  }
  return JSON.stringify(value) ?? "null"
}
