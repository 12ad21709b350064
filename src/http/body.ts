/**
 * @module
 * Reads request bodies within the size limit and decodes them as PocketBase does: JSON objects,
 * multipart and urlencoded forms; anything malformed (or streamed past the limit) is a 400.
 */
import { ApiError, badRequest } from "../core/errors.ts"
import { parseJsonStrict } from "../core/json-text.ts"

// Invalid UTF-8 is refused, not replaced, as PocketBase's decoder does.
const UTF8 = new TextDecoder("utf-8", { fatal: true })

/** Form data as `Request.formData()` returns it. */
export type Form = Awaited<ReturnType<Request["formData"]>>

/** A decoded body: a JSON object, or form data for multipart/urlencoded requests. */
export type ParsedBody = { kind: "json"; value: Record<string, unknown> } | { kind: "form"; value: Form }

/**
 * Reads at most `limit` bytes. A body declared larger never gets here (see `bodyLimit`); one that
 * streams past the limit (chunked) is answered `overflow()`: PocketBase reports that as the
 * endpoint's unreadable-body 400, not as a 413.
 */
export async function readLimited(request: Request, limit: number, overflow: () => ApiError = () => badRequest()): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array()
  // A declared length bounds the body (the server reads no more), and reading it whole skips the
  // stream machinery, which cost more CPU than the rest of a create.
  const declared = Number(request.headers.get("content-length") ?? "")
  if (request.headers.has("content-length") && Number.isFinite(declared) && declared <= limit) return new Uint8Array(await request.arrayBuffer())
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of request.body) {
    size += chunk.byteLength
    if (size > limit) throw overflow()
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/**
 * Parses the body as the records and collections APIs accept it. `invalid` is the error for
 * a malformed body (JSON, nested too deep, or a broken form) or a JSON value that is not an
 * object (endpoints word it differently).
 */
export async function parseBody(request: Request, limit: number, invalid: () => ApiError = () => badRequest()): Promise<ParsedBody> {
  const bytes = await readLimited(request, limit, invalid)
  const type = (request.headers.get("content-type") ?? "").toLowerCase()
  if (bytes.byteLength === 0) return { kind: "json", value: {} }
  if (type.startsWith("application/x-www-form-urlencoded") && !isStrictUrlEncoded(bytes)) throw invalid()
  if (type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded")) {
    try {
      // The original header, not the lower-cased one: multipart boundaries are case-sensitive.
      const copy = new Request("http://body.local/", { method: "POST", headers: { "content-type": request.headers.get("content-type")! }, body: bytes })
      return { kind: "form", value: await copy.formData() }
    } catch {
      throw invalid()
    }
  }
  if (type !== "" && !type.startsWith("application/json")) {
    if (type.startsWith("text/xml") || type.startsWith("application/xml")) throw invalid()
    throw badRequest("Unsupported Content-Type.")
  }
  let value: unknown
  try {
    value = parseJsonStrict(UTF8.decode(bytes))
  } catch {
    throw invalid()
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid()
  return { kind: "json", value: value as Record<string, unknown> }
}

// Go's form parser (PocketBase's) refuses a `;` anywhere and a `%` not followed by two hex digits;
// the platform's parser would keep both as text.
function isStrictUrlEncoded(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes).toString("latin1")
  return !text.includes(";") && !/%(?![0-9A-Fa-f]{2})/.test(text)
}

/** Parses a body that must be a JSON object (forms are flattened to their first string values). */
export async function parseJsonObject(request: Request, limit: number, invalid?: () => ApiError): Promise<Record<string, unknown>> {
  const body = await parseBody(request, limit, invalid)
  if (body.kind === "json") return body.value
  const value: Record<string, unknown> = {}
  body.value.forEach((entry, key) => {
    if (typeof entry === "string" && !(key in value)) value[key] = entry
  })
  return value
}
