/**
 * @module
 * Email templates: PocketBase's placeholders (`{APP_NAME}`, `{APP_URL}`, `{TOKEN}`, `{OTP}`,
 * `{OTP_ID}`, `{ALERT_INFO}`, `{RECORD:field}`) replaced in a collection's `{subject, body}`,
 * and the body wrapped in a small HTML layout of our own.
 */
import type { Collection, RecordData } from "../core/types.ts"
import type { MailMeta } from "./settings.ts"

/** A collection's email template option (`verificationTemplate`, `otp.emailTemplate`, ...). */
export interface EmailTemplate {
  subject: string
  body: string
}

/** Field types whose values cannot hold markup, so they go into the body unescaped. */
const UNESCAPED_TYPES = new Set(["autodate", "date", "bool", "number"])

const escapeHtml = (value: string): string =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&#34;").replace(/'/g, "&#39;")

function fieldText(value: unknown): string {
  if (value === null || value === undefined) return ""
  if (typeof value === "object") return Array.isArray(value) ? value.map(fieldText).join(",") : JSON.stringify(value)
  return String(value)
}

/** `{RECORD:field}` for every field the record may show (hidden ones, like `password`, never). */
export function recordPlaceholders(collection: Collection, record: RecordData): Record<string, string> {
  const placeholders: Record<string, string> = {}
  for (const field of collection.fields) {
    if (field.hidden) continue
    const text = fieldText(record[field.name])
    placeholders[`{RECORD:${field.name}}`] = UNESCAPED_TYPES.has(field.type) ? text : escapeHtml(text)
  }
  return placeholders
}

/** Replaces every placeholder in the template's subject and body; the body gets the layout. */
export function renderTemplate(
  template: EmailTemplate,
  meta: Pick<MailMeta, "appName" | "appURL">,
  placeholders: Record<string, string>,
): { subject: string; html: string } {
  const all: Record<string, string> = { "{APP_NAME}": meta.appName, "{APP_URL}": meta.appURL, ...placeholders }
  const replace = (text: string) => {
    let result = text
    for (const [key, value] of Object.entries(all)) result = result.split(key).join(value)
    return result
  }
  return { subject: replace(template.subject), html: layout(replace(template.body)) }
}

/** Escapes text that goes into a body as content (alert info). */
export const escapeMailText = escapeHtml

function layout(content: string): string {
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { margin: 0; padding: 24px; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 15px; line-height: 1.5; color: #1f2328; background: #f6f8fa; }
  .card { max-width: 560px; margin: 0 auto; padding: 24px 28px; background: #fff; border: 1px solid #d0d7de; border-radius: 8px; }
  a.btn { display: inline-block; padding: 8px 16px; border-radius: 6px; background: #1f6feb; color: #fff; text-decoration: none; }
</style>
</head>
<body>
<div class="card">
${content}
</div>
</body>
</html>`
}
