/**
 * @module
 * Settings validation, field by field, with PocketBase's codes and messages: one error per field,
 * nested under the section (`meta.appName`, `rateLimits.rules.0.label`), empty result when valid.
 */
import { fieldError, sentenize, type ErrorData, type FieldError } from "../core/errors.ts"
import { CronExpressionError, parseSchedule } from "../cron/schedule.ts"
import * as check from "./checks.ts"
import type { Check } from "./checks.ts"
import type { BackupsSettings, RateLimitsSettings, S3Settings, Settings } from "./model.ts"

/** The largest integer a JSON number keeps exactly (2^53 - 1). */
const MAX_SAFE_JSON_INT = Number.MAX_SAFE_INTEGER

const RULE_LABEL = /^(\w+ \/[\w/-]*|\/[\w/-]*|\w+:\w+|\*:\w+|\w+)$/

type Section = Record<string, FieldError | ErrorData | null>

/** Field errors of `settings`; an empty object when they are valid. */
export function validateSettings(settings: Settings): ErrorData {
  return settingsErrors(settings) ?? {}
}

function settingsErrors(settings: Settings): ErrorData | null {
  const { meta, smtp, s3, backups, batch, logs, rateLimits } = settings
  return compact({
    superuserIPs: eachItem(settings.superuserIPs, [check.required, check.ipOrSubnet]),
    meta: compact({
      accentColor: check.firstError(meta.accentColor, [check.length(7, 7), check.hexColor]),
      appName: check.firstError(meta.appName, [check.required, check.length(1, 255)]),
      appURL: check.firstError(meta.appURL, [check.required, check.url]),
      senderName: check.firstError(meta.senderName, [check.required, check.length(1, 255)]),
      senderAddress: check.firstError(meta.senderAddress, [check.email, check.required]),
    }),
    logs: compact({
      maxDataSize: check.firstError(logs.maxDataSize, [check.min(0), check.max(MAX_SAFE_JSON_INT)]),
      maxDays: check.firstError(logs.maxDays, [check.min(0), check.max(MAX_SAFE_JSON_INT)]),
      minLevel: check.firstError(logs.minLevel, [check.max(MAX_SAFE_JSON_INT)]),
    }),
    smtp: compact({
      host: check.firstError(smtp.host, [check.requiredWhen(smtp.enabled), check.host]),
      port: check.firstError(smtp.port, [check.requiredWhen(smtp.enabled), check.min(0)]),
      authMethod: check.firstError(smtp.authMethod, [check.oneOf("LOGIN", "PLAIN")]),
      localName: check.firstError(smtp.localName, [check.host]),
    }),
    s3: validateS3(s3),
    backups: validateBackups(backups),
    batch: compact({
      maxRequests: check.firstError(batch.maxRequests, [check.requiredWhen(batch.enabled), check.min(0)]),
      timeout: check.firstError(batch.timeout, [check.requiredWhen(batch.enabled), check.min(0)]),
      maxBodySize: check.firstError(batch.maxBodySize, [check.min(0)]),
    }),
    rateLimits: validateRateLimits(rateLimits),
  })
}

function validateS3(s3: S3Settings): ErrorData | null {
  const whenEnabled = [check.requiredWhen(s3.enabled)]
  return compact({
    endpoint: check.firstError(s3.endpoint, [check.url, ...whenEnabled]),
    bucket: check.firstError(s3.bucket, whenEnabled),
    region: check.firstError(s3.region, whenEnabled),
    accessKey: check.firstError(s3.accessKey, whenEnabled),
    secret: check.firstError(s3.secret, whenEnabled),
  })
}

function validateBackups(backups: BackupsSettings): ErrorData | null {
  return compact({
    s3: validateS3(backups.s3),
    cron: cronError(backups.cron),
    cronMaxKeep: check.firstError(backups.cronMaxKeep, [check.requiredWhen(backups.cron !== ""), check.min(1)]),
  })
}

function cronError(expression: string): FieldError | null {
  if (expression === "") return null
  try {
    parseSchedule(expression)
    return null
  } catch (error) {
    if (!(error instanceof CronExpressionError)) throw error
    return fieldError("validation_invalid_cron", sentenize(error.message))
  }
}

// Each rule's own errors come first; label conflicts are reported only once every rule is valid.
function validateRateLimits(rateLimits: RateLimitsSettings): ErrorData | null {
  const ruleErrors = compact(
    Object.fromEntries(
      rateLimits.rules.map((rule, i) => [
        String(i),
        compact({
          label: check.firstError(rule.label, [check.required, check.matches(RULE_LABEL)]),
          maxRequests: check.firstError(rule.maxRequests, [check.required, check.min(1)]),
          duration: check.firstError(rule.duration, [check.required, check.min(1)]),
          audience: check.firstError(rule.audience, [check.oneOf("", "@guest", "@auth")]),
        }),
      ]),
    ),
  )
  return compact({
    rules: check.firstError(rateLimits.rules, [check.requiredWhen(rateLimits.enabled)]) ?? ruleErrors ?? labelConflict(rateLimits),
    excludedIPs: eachItem(rateLimits.excludedIPs, [check.required, check.ipOrSubnet]),
  })
}

function labelConflict({ rules }: RateLimitsSettings): ErrorData | null {
  const keys: string[] = []
  for (const [i, rule] of rules.entries()) {
    const key = `${rule.label}@@${rule.audience}`
    if (keys.some((existing) => existing.startsWith(key) || key.startsWith(existing))) {
      const label = fieldError(
        "validation_conflicting_rate_limit_rule",
        `Rate limit rule configuration with label ${rule.label} already exists or conflicts with another rule.`,
        { label: rule.label },
      )
      return { [String(i)]: { label } }
    }
    keys.push(key)
  }
  return null
}

function eachItem(items: readonly string[], checks: Check[]): ErrorData | null {
  return compact(Object.fromEntries(items.map((item, i) => [String(i), check.firstError(item, checks)])))
}

// Drops the fields without errors; null when none is left.
function compact(section: Section): ErrorData | null {
  const entries = Object.entries(section).filter((entry): entry is [string, FieldError | ErrorData] => entry[1] !== null)
  return entries.length > 0 ? Object.fromEntries(entries) : null
}
