/**
 * @module
 * Points a pocketbun test server's mailer at a loopback SMTP server, and reads tokens and
 * codes back out of the messages it received.
 */
import type { TestServer } from "./servers.ts"
import type { ReceivedMail, TestSmtpServer } from "./smtp.ts"
import type { MailMeta } from "../../src/mail/index.ts"

export const TEST_META: MailMeta = { appName: "Pocketbun Test", appURL: "http://app.test", senderName: "Test Sender", senderAddress: "sender@app.test" }

/** Makes `server` send through `smtp` with {@link TEST_META}, through the settings API. */
export async function routeMailTo(server: TestServer, smtp: TestSmtpServer): Promise<void> {
  await server.admin.settings.update({ smtp: smtp.settings(), meta: TEST_META })
}

/** The `{TOKEN}` of a default template link (`…/confirm-xxx/TOKEN`). */
export function tokenIn(mail: ReceivedMail): string {
  const match = /confirm-[a-z-]+\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(mail.html)
  if (!match) throw new Error(`no token link in mail "${mail.subject}"`)
  return match[1]!
}
