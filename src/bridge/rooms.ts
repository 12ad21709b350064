/**
 * @module
 * Room templates: `channel:{channel}` takes a record field (a multi-relation gives one room per
 * id), `channel:{message.channel}` reads through the `message` relation's expanded record. Pure.
 */

type Data = Record<string, unknown>

const PLACEHOLDER = /\{([^{}]+)\}/g

/** The field paths a template reads (`{message.channel}` → `message.channel`). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!)
}

/** The relations to expand on the source so every template of a route can be resolved. */
export function expandsFor(templates: string[]): string[] {
  const out = new Set<string>()
  for (const template of templates) {
    for (const path of placeholders(template)) {
      const segments = path.split(".")
      if (segments.length > 1) out.add(segments.slice(0, -1).join("."))
    }
  }
  return [...out]
}

/** Every value a field path reaches from a record (through expanded relations), as strings; empty values dropped. */
export function valuesAt(record: Data, path: string): string[] {
  const segments = path.split(".")
  let records: Data[] = [record]
  for (const relation of segments.slice(0, -1)) {
    records = records.flatMap((r) => toList((r.expand as Data | undefined)?.[relation]).filter((x): x is Data => typeof x === "object" && x !== null))
  }
  const field = segments.at(-1)!
  return records.flatMap((r) => toList(r[field])).filter((v) => (typeof v === "string" && v !== "") || typeof v === "number").map(String)
}

function toList(value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}

/** The rooms a record goes to: each template with every combination of its placeholders' values. */
export function resolveRooms(templates: string[], record: Data): string[] {
  const rooms = new Set<string>()
  for (const template of templates) {
    let partial = [template]
    for (const path of placeholders(template)) {
      const values = valuesAt(record, path)
      partial = partial.flatMap((room) => values.map((value) => room.replace(`{${path}}`, value)))
    }
    for (const room of partial) rooms.add(room)
  }
  return [...rooms]
}

/** Splits `channel:abc` into its prefix and id; null when it has no prefix or no id. */
export function parseRoom(room: unknown): { prefix: string; id: string } | null {
  if (typeof room !== "string") return null
  const colon = room.indexOf(":")
  if (colon <= 0 || colon === room.length - 1) return null
  return { prefix: room.slice(0, colon), id: room.slice(colon + 1) }
}
