/**
 * @module
 * The globals every PocketBase JavaScript file sees (migrations and hooks alike): the model
 * classes, `$app`, the API error classes, `$security`, `$os` (file and environment access, no
 * process control), `$filepath`, `$http`, `$template`, `$dbx` and the small helpers.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto"
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { ApiError, fieldError, type ErrorData } from "../core/errors.ts"
import { ALPHANUMERIC, randomString } from "../core/random.ts"
import { decodeJwt, encodeJwt, hasValidSignature } from "../auth/jwt.ts"
import { DbxExpression } from "./js-db.ts"
import type { JsApp } from "./js-app.ts"
import { Collection, DynamicModel, Field, fieldClasses, FieldsList, unmarshal } from "./models.ts"
import { templateRegistry } from "./template.ts"

/** A field error for an API error's data: `new ValidationError("code", "Message.")`. */
class ValidationError {
  constructor(
    readonly code = "",
    readonly message = "",
  ) {}
}

// Only field errors (and objects of them) reach an API error's data, as in PocketBase.
function safeErrorData(data: unknown): ErrorData {
  const out: ErrorData = {}
  if (!data || typeof data !== "object") return out
  for (const [key, value] of Object.entries(data)) {
    if (value instanceof ValidationError) out[key] = fieldError(value.code, value.message)
    else if (value && typeof value === "object") out[key] = safeErrorData(value)
  }
  return out
}

/** PocketBase's API error classes: each a status with its default message. */
function errorClass(status: number, fallback: string) {
  return class extends ApiError {
    constructor(message?: string, data?: unknown) {
      super(status, message || fallback, safeErrorData(data))
    }
  }
}

const errorClasses = {
  ValidationError,
  ApiError: class extends ApiError {
    constructor(status = 400, message = "", data?: unknown) {
      super(status, message, safeErrorData(data))
    }
  },
  BadRequestError: errorClass(400, "Something went wrong while processing your request."),
  UnauthorizedError: errorClass(401, "Missing or invalid authentication."),
  ForbiddenError: errorClass(403, "You are not allowed to perform this request."),
  NotFoundError: errorClass(404, "The requested resource wasn't found."),
  TooManyRequestsError: errorClass(429, "Too Many Requests."),
  InternalServerError: errorClass(500, "Something went wrong while processing your request."),
}

const hashWith = (algorithm: string) => (text: string) => createHash(algorithm).update(text).digest("hex")
const hmacWith = (algorithm: string) => (text: string, secret: string) => createHmac(algorithm, secret).update(text).digest("hex")

const security = {
  randomString: (length: number) => randomString(length),
  randomStringWithAlphabet: (length: number, alphabet: string) => randomString(length, alphabet),
  pseudorandomString: (length: number) => randomString(length),
  pseudorandomStringWithAlphabet: (length: number, alphabet: string) => randomString(length, alphabet || ALPHANUMERIC),
  md5: hashWith("md5"),
  sha256: hashWith("sha256"),
  sha512: hashWith("sha512"),
  hs256: hmacWith("sha256"),
  hs512: hmacWith("sha512"),
  equal: (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b)),
  createJWT: (payload: Record<string, unknown>, key: string, seconds: number) =>
    encodeJwt({ ...payload, exp: Math.floor(Date.now() / 1000) + seconds }, key),
  parseUnverifiedJWT: (token: string) => decodeJwt(token)?.payload ?? {},
  parseJWT: (token: string, key: string) => {
    const decoded = decodeJwt(token)
    const exp = Number(decoded?.payload.exp ?? Infinity)
    if (!decoded || !hasValidSignature(decoded, key) || exp * 1000 < Date.now()) throw new Error("invalid or expired token")
    return decoded.payload
  },
}

// File and environment access as PocketBase offers it; exec, cmd and exit are left out on purpose.
const os = {
  args: Bun.argv.slice(1),
  getenv: (name: string) => process.env[name] ?? "",
  readFile: (file: string) => [...readFileSync(file)],
  writeFile: (file: string, data: string | number[]) => writeFileSync(file, typeof data === "string" ? data : Buffer.from(data)),
  readDir: (dir: string) => readdirSync(dir, { withFileTypes: true }).map((d) => ({ name: () => d.name, isDir: () => d.isDirectory() })),
  stat: (file: string) => {
    const s = statSync(file)
    return { name: () => path.basename(file), size: () => s.size, isDir: () => s.isDirectory(), modTime: () => s.mtime.toISOString() }
  },
  mkdir: (dir: string) => mkdirSync(dir),
  mkdirAll: (dir: string) => mkdirSync(dir, { recursive: true }),
  rename: (from: string, to: string) => renameSync(from, to),
  remove: (file: string) => rmSync(file),
  removeAll: (file: string) => rmSync(file, { recursive: true, force: true }),
  tempDir: () => tmpdir(),
  getwd: () => process.cwd(),
}

const filepath = {
  base: path.basename, clean: path.normalize, dir: path.dirname, ext: path.extname, isAbs: path.isAbsolute,
  join: path.join, rel: path.relative, split: (p: string) => [path.dirname(p) + path.sep, path.basename(p)],
  toSlash: (p: string) => p.split(path.sep).join("/"), fromSlash: (p: string) => p.split("/").join(path.sep),
  splitList: (p: string) => (p === "" ? [] : p.split(path.delimiter)),
}

interface HttpSendConfig {
  url: string
  method?: string
  body?: string
  data?: Record<string, unknown>
  headers?: Record<string, string>
  timeout?: number
}

// PocketBase's `$http.send` blocks; a child Bun process does the fetch so the caller can stay synchronous.
const FETCH_SCRIPT = `const c = JSON.parse(process.argv[1]);
const r = await fetch(c.url, { method: c.method, headers: c.headers, body: c.body, signal: AbortSignal.timeout(c.timeout * 1000) });
const body = new Uint8Array(await r.arrayBuffer());
const headers = {}; r.headers.forEach((v, k) => { (headers[k.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase())] ??= []).push(v) });
process.stdout.write(JSON.stringify({ statusCode: r.status, headers, body: Buffer.from(body).toString("base64") }))`

function httpSend(config: HttpSendConfig) {
  const method = (config.method ?? "GET").toUpperCase()
  const body = config.body ?? (config.data ? JSON.stringify(config.data) : undefined)
  const request = { url: config.url, method, headers: config.headers ?? {}, body: method === "GET" || method === "HEAD" ? undefined : body, timeout: config.timeout ?? 120 }
  const child = Bun.spawnSync([process.execPath, "-e", FETCH_SCRIPT, JSON.stringify(request)], { stderr: "pipe" })
  if (child.exitCode !== 0) throw new Error(`$http.send failed: ${child.stderr.toString().trim().split("\n").pop()}`)
  const answer = JSON.parse(child.stdout.toString()) as { statusCode: number; headers: Record<string, string[]>; body: string }
  const bytes = Buffer.from(answer.body, "base64")
  const raw = bytes.toString("utf8")
  let json: unknown = null
  try {
    json = JSON.parse(raw)
  } catch {
    // not JSON: json stays null, as in PocketBase
  }
  return { statusCode: answer.statusCode, headers: answer.headers, cookies: {}, body: [...bytes], raw, json }
}

const joinExpressions = (operator: string) => (...parts: DbxExpression[]) =>
  new DbxExpression(parts.map((p) => `(${p.sql})`).join(` ${operator} `), Object.assign({}, ...parts.map((p) => p.params)))

let placeholder = 0
const bindValue = (params: Record<string, unknown>, value: unknown) => {
  const name = `dbx${placeholder++}`
  params[name] = value
  return `{:${name}}`
}

const dbx = {
  exp: (sql: string, params: Record<string, unknown> = {}) => new DbxExpression(sql, params),
  hashExp: (pairs: Record<string, unknown>) => {
    const params: Record<string, unknown> = {}
    return new DbxExpression(Object.entries(pairs).map(([k, v]) => `[[${k}]] = ${bindValue(params, v)}`).join(" AND "), params)
  },
  and: joinExpressions("AND"),
  or: joinExpressions("OR"),
  not: (e: DbxExpression) => new DbxExpression(`NOT (${e.sql})`, e.params),
  in: (column: string, ...values: unknown[]) => {
    const params: Record<string, unknown> = {}
    return new DbxExpression(`[[${column}]] IN (${values.map((v) => bindValue(params, v)).join(", ")})`, params)
  },
  like: (column: string, ...values: string[]) => {
    const params: Record<string, unknown> = {}
    return new DbxExpression(values.map((v) => `[[${column}]] LIKE ${bindValue(params, `%${v}%`)}`).join(" AND "), params)
  },
}

/** A realtime message for `client.send` (`data` is text, usually JSON). */
class SubscriptionMessage {
  name = ""
  data: unknown = ""
  constructor(init: { name?: string; data?: unknown } = {}) {
    Object.assign(this, init)
  }
}

/** Text of bytes, strings or anything else (`toString`). */
function toText(value: unknown): string {
  if (Array.isArray(value) || value instanceof Uint8Array) return Buffer.from(value as number[]).toString("utf8")
  return typeof value === "string" ? value : JSON.stringify(value)
}

/** The globals shared by migrations and hooks, for one app. */
export function baseGlobals(app: JsApp, hooksDir: string): Record<string, unknown> {
  return {
    $app: app,
    __hooks: hooksDir,
    Collection, FieldsList, Field, DynamicModel, unmarshal, ...fieldClasses,
    Record: app.Record,
    SubscriptionMessage,
    ...errorClasses,
    $security: security,
    $os: os,
    $filepath: filepath,
    $http: { send: httpSend },
    $template: templateRegistry(),
    $dbx: dbx,
    toString: toText,
    toBytes: (value: unknown) => [...Buffer.from(toText(value))],
    readerToString: toText,
    sleep: (ms: number) => Bun.sleepSync(ms),
    arrayOf: () => [],
    nullString: () => "",
    nullInt: () => 0,
    nullFloat: () => 0,
    nullBool: () => false,
    nullArray: () => [],
    nullObject: () => ({}),
  }
}
