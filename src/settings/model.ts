/**
 * @module
 * The application settings as PocketBase models them: the shape, the defaults of a new install,
 * and the public view that leaves secrets out. Key order follows PocketBase's JSON.
 */

export interface SmtpSettings {
  enabled: boolean
  port: number
  host: string
  username: string
  password: string
  /** "PLAIN" (also when empty) or "LOGIN". */
  authMethod: string
  tls: boolean
  localName: string
}

export interface S3Settings {
  enabled: boolean
  bucket: string
  region: string
  endpoint: string
  accessKey: string
  secret: string
  forcePathStyle: boolean
}

export interface BackupsSettings {
  /** Cron expression for automatic backups; empty disables them. */
  cron: string
  /** Automatic backups kept before the oldest ones are removed. */
  cronMaxKeep: number
  s3: S3Settings
}

export interface MetaSettings {
  accentColor: string
  appName: string
  appURL: string
  senderName: string
  senderAddress: string
  hideControls: boolean
}

export interface RateLimitRule {
  /** A tag, `collection:action`, `*:action`, a path, a path prefix ending in `/`, or `METHOD /path`. */
  label: string
  /** "" for everyone, "@guest" or "@auth". */
  audience: string
  /** Window in seconds. */
  duration: number
  maxRequests: number
}

export interface RateLimitsSettings {
  rules: RateLimitRule[]
  excludedIPs: string[]
  enabled: boolean
}

export interface TrustedProxySettings {
  /** Headers that carry the client IP when set by a trusted proxy (e.g. `X-Forwarded-For`). */
  headers: string[]
  /** Take the leftmost address of a list header instead of the rightmost. */
  useLeftmostIP: boolean
}

export interface BatchSettings {
  enabled: boolean
  maxRequests: number
  /** Seconds before a batch transaction is abandoned. */
  timeout: number
  /** Bytes; 0 falls back to the built-in maximum. */
  maxBodySize: number
}

export interface LogsSettings {
  /** Bytes of serialized log data kept per entry; 0 means the default (~16 KB). */
  maxDataSize: number
  /** Days logs are kept; 0 disables request logging. */
  maxDays: number
  minLevel: number
  logIP: boolean
  logAuthId: boolean
}

export interface Settings {
  superuserIPs: string[]
  smtp: SmtpSettings
  backups: BackupsSettings
  s3: S3Settings
  meta: MetaSettings
  rateLimits: RateLimitsSettings
  trustedProxy: TrustedProxySettings
  batch: BatchSettings
  logs: LogsSettings
}

const blankS3 = (): S3Settings => ({ enabled: false, bucket: "", region: "", endpoint: "", accessKey: "", secret: "", forcePathStyle: false })

/** A blank rate limit rule, the base each submitted rule is decoded onto. */
export const blankRateLimitRule = (): RateLimitRule => ({ label: "", audience: "", duration: 0, maxRequests: 0 })

/** The settings of a fresh install (PocketBase's defaults). */
export function defaultSettings(): Settings {
  return {
    superuserIPs: [],
    smtp: { enabled: false, port: 587, host: "smtp.example.com", username: "", password: "", authMethod: "", tls: false, localName: "" },
    backups: { cron: "", cronMaxKeep: 3, s3: blankS3() },
    s3: blankS3(),
    meta: {
      accentColor: "#1055c9",
      appName: "Acme",
      appURL: "http://localhost:8090",
      senderName: "Support",
      senderAddress: "support@example.com",
      hideControls: false,
    },
    rateLimits: {
      rules: [
        { label: "*:auth", audience: "", duration: 3, maxRequests: 2 },
        { label: "*:create", audience: "", duration: 5, maxRequests: 20 },
        { label: "/api/batch", audience: "", duration: 1, maxRequests: 3 },
        { label: "/api/", audience: "", duration: 10, maxRequests: 300 },
      ],
      excludedIPs: [],
      enabled: false,
    },
    trustedProxy: { headers: [], useLeftmostIP: false },
    batch: { enabled: false, maxRequests: 50, timeout: 3, maxBodySize: 0 },
    logs: { maxDataSize: 0, maxDays: 5, minLevel: 0, logIP: true, logAuthId: false },
  }
}

/** A deep copy (settings hold only JSON values). */
export const cloneSettings = (settings: Settings): Settings => structuredClone(settings)

/**
 * The settings as the API returns them: the SMTP password key is left out, and the S3 secrets
 * too (PocketBase omits them when empty, and blanks them before serializing).
 */
export function publicSettings(settings: Settings): unknown {
  const copy = cloneSettings(settings)
  const { password: _password, ...smtp } = copy.smtp
  const hideSecret = ({ secret: _secret, ...s3 }: S3Settings) => s3
  return { ...copy, smtp, backups: { ...copy.backups, s3: hideSecret(copy.backups.s3) }, s3: hideSecret(copy.s3) }
}
