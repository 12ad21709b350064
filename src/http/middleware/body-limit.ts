/**
 * @module
 * The body limit on declared sizes: a request whose Content-Length exceeds `bodyLimit` is
 * answered PocketBase's 413 at once, on any route and method, before anything reads the body.
 * Bodies without a declared size are capped while they are read (`readLimited`).
 */
import type { MiddlewareHandler } from "hono"
import { tooLarge } from "../../core/errors.ts"
import type { HttpEnv } from "../context.ts"

/** Answers 413 when the declared Content-Length exceeds the configured `bodyLimit`. */
export const bodyLimit: MiddlewareHandler<HttpEnv> = async (c, next) => {
  const declared = Number(c.req.header("content-length") ?? "")
  if (declared > c.get("services").config.bodyLimit) throw tooLarge()
  await next()
}
