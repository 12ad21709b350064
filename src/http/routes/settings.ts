/**
 * @module
 * The settings API (superusers only): read and update the settings (secrets never returned), test
 * the S3 and SMTP connections, and sign Apple's OAuth2 client secret.
 */
import { Hono } from "hono"
import { generateAppleClientSecret, publicSettings, testEmail, testS3 } from "../../settings/index.ts"
import { ApiError } from "../../core/errors.ts"
import { parseBody, parseJsonObject } from "../body.ts"
import type { HttpEnv } from "../context.ts"
import { requireSuperuser } from "../guards.ts"

const invalidBody = () => new ApiError(400, "An error occurred while loading the submitted data.")

export const settingsRoutes = new Hono<HttpEnv>()
  .use(async (c, next) => {
    requireSuperuser(c.get("auth"))
    await next()
  })
  .get("/", (c) => c.json(publicSettings(c.get("services").settings.get())))
  .patch("/", async (c) => {
    const { config, settings } = c.get("services")
    const body = await parseBody(c.req.raw, config.bodyLimit, invalidBody)
    const patch = body.kind === "json" ? body.value : Object.fromEntries([...body.value.entries()].filter(([, v]) => typeof v === "string"))
    return c.json(publicSettings(settings.update(patch, { fromForm: body.kind === "form" })))
  })
  .post("/test/s3", async (c) => {
    const { config, settings } = c.get("services")
    await testS3(await parseJsonObject(c.req.raw, config.bodyLimit, invalidBody), settings.get(), settings.connectionTests)
    return c.body(null, 204)
  })
  .post("/test/email", async (c) => {
    const { config, settings, collections } = c.get("services")
    const body = await parseJsonObject(c.req.raw, config.bodyLimit, invalidBody)
    const isAuthCollection = (idOrName: string) => collections.find(idOrName)?.type === "auth"
    await testEmail(body, { settings: settings.get(), tests: settings.connectionTests, isAuthCollection })
    return c.body(null, 204)
  })
  .post("/apple/generate-client-secret", async (c) => {
    const body = await parseJsonObject(c.req.raw, c.get("services").config.bodyLimit, invalidBody)
    return c.json({ secret: await generateAppleClientSecret(body) })
  })
