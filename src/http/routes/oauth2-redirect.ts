/**
 * @module
 * `GET|POST /api/oauth2-redirect`: where providers send the browser back; the code goes to the
 * waiting SDK client over realtime (see `auth/oauth2/redirect.ts`).
 */
import { Hono, type Context } from "hono"
import { redirectPage, type RedirectData } from "../../auth/oauth2/index.ts"
import { parseBody } from "../body.ts"
import type { HttpEnv } from "../context.ts"

const field = (value: unknown): string => (typeof value === "string" ? value : "")

async function redirectData(c: Context<HttpEnv>): Promise<RedirectData | null> {
  if (c.req.method !== "POST") return { state: c.req.query("state") ?? "", code: c.req.query("code") ?? "", error: c.req.query("error") ?? "", appleUser: "" }
  try {
    // Apple posts the answer as a form (`response_mode=form_post`).
    const body = await parseBody(c.req.raw, c.get("services").config.bodyLimit)
    const get = (name: string) => (body.kind === "json" ? field(body.value[name]) : field(body.value.get(name)))
    return { state: get("state"), code: get("code"), error: get("error"), appleUser: get("user") }
  } catch {
    return null
  }
}

const answer = async (c: Context<HttpEnv>) => {
  const data = await redirectData(c)
  const services = c.get("services")
  const clustered = services.config.realtimeBroker !== ""
  const ok = data !== null && services.authFlows.oauth2Redirect(services.realtime, data, c.get("clientIp"), clustered)
  return c.html(redirectPage(ok).html)
}

export const oauth2RedirectRoutes = new Hono<HttpEnv>().get("/", answer).post("/", answer)
