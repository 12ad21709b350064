/**
 * @module
 * The message the mailer sends, and the send hook through which server code can change or
 * cancel any outgoing message.
 */

/** One address, optionally with a display name. */
export interface MailAddress {
  address: string
  name?: string
}

/** An outgoing message; `html` is the body, `text` its plain alternative. */
export interface MailMessage {
  from: MailAddress
  to: MailAddress[]
  subject: string
  html: string
  text?: string
  headers?: Record<string, string>
}

/** Why a message is sent: the template it came from (or `custom` for server code). */
export type MailKind = "verification" | "passwordReset" | "emailChange" | "otp" | "authAlert" | "test" | "custom"

/** What a send hook learns besides the message. */
export interface MailContext {
  kind: MailKind
  /** The auth record the message is about, when there is one. */
  record?: Readonly<Record<string, unknown>>
  /** The collection of that record. */
  collectionName?: string
}

/**
 * Runs before every send, in the order added. Return a (possibly changed) message to go on,
 * `null` to cancel the message, or nothing to keep it as it is. Throwing fails the send.
 */
export type MailSendHook = (message: MailMessage, context: MailContext) => MailMessage | null | void | Promise<MailMessage | null | void>
