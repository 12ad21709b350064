/**
 * @module
 * The files API: `POST /api/files/token` and `GET|HEAD /api/files/:collection/:recordId/:filename`.
 */
import { Hono } from "hono"
import { ApiError } from "../../core/errors.ts"
import { issueFileToken } from "../../auth/file-token.ts"
import { serveFile } from "../../files/index.ts"
import type { HttpEnv } from "../context.ts"
import { requestInfo } from "../request-info.ts"
import { fileTokenAuth, serveRequest } from "../file-download.ts"

export const fileRoutes = new Hono<HttpEnv>()
  .post("/token", (c) => {
    const auth = c.get("auth")
    if (!auth) throw new ApiError(401, "The request requires valid record authorization token.")
    return c.json({ token: issueFileToken(auth.collection, auth.record) })
  })
  .get("/:collection/:recordId/:filename", async (c) => {
    const services = c.get("services")
    // Protected files see only the `?token=` file token's record, never the Authorization header.
    const auth = fileTokenAuth(c)
    const { file, name } = await services.recordFiles.download(c.req.param("collection"), c.req.param("recordId"), c.req.param("filename"), { ...requestInfo(c), auth }, c.req.query("thumb") ?? "")
    // Clickjacking is no concern for uploaded files; PocketBase drops X-Frame-Options so they embed.
    c.set("allowFraming", true)
    return serveFile(file, name, serveRequest(c))
  })
