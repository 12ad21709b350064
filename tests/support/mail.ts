/**
 * @module
 * Points a pocketbun test server's mailer at a loopback SMTP server, and reads tokens and
 * codes back out of the messages it received.
 */
import type { PocketbunServer } from "./servers.ts"
import type { ReceivedMail, TestSmtpServer } from "./smtp.ts"
import { DEFAULT_MAIL_SETTINGS, type MailMeta } from "../../src/mail/index.ts"

export const TEST_META: MailMeta = { appName: "Pocketbun Test", appURL: "http://app.test", senderName: "Test Sender", senderAddress: "sender@app.test" }

/** Makes `server` send through `smtp` with {@link TEST_META}. */
export function routeMailTo(server: PocketbunServer, smtp: TestSmtpServer): void {
  server.app.services.mailSettings.current = { ...DEFAULT_MAIL_SETTINGS, smtp: smtp.settings(), meta: TEST_META }
}

/** The `{TOKEN}` of a default template link (`…/confirm-xxx/TOKEN`). */
export function tokenIn(mail: ReceivedMail): string {
  const match = /confirm-[a-z-]+\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(mail.html)
  if (!match) throw new Error(`no token link in mail "${mail.subject}"`)
  return match[1]!
}
