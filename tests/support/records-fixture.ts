/**
 * @module
 * Shared helpers for the records API suites: capturing SDK failures, a small blog schema that
 * every theme builds on (authors, posts, comments, likes), and a raw-fetch helper for requests
 * the SDK would refuse to send.
 */
import type PocketBase from "pocketbase"
import { ClientResponseError } from "pocketbase"
import type { TestServer } from "./servers.ts"

/** Awaits a promise that must fail with a PocketBase API error and returns that error. */
export async function failure(promise: Promise<unknown>): Promise<ClientResponseError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ClientResponseError) return error
    throw error
  }
  throw new Error("expected the request to fail, but it succeeded")
}

/** The `{status, message, data}` body of a failed SDK call. */
export function errorBody(error: ClientResponseError): { status: number; message: string; data: Record<string, any> } {
  return error.response as { status: number; message: string; data: Record<string, any> }
}

/** Every public rule open to guests, so the suites exercise the API rather than the rules. */
export const OPEN_RULES = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" }

/** Ids of the blog collections, by name. */
export interface Blog {
  authors: string
  posts: string
  comments: string
  likes: string
}

/**
 * Creates the blog schema: authors ← posts (author single, editors multi) ← comments (post,
 * cascadeDelete) and likes (post, required, no cascade). Every rule is open.
 */
export async function createBlog(admin: PocketBase): Promise<Blog> {
  const authors = await admin.collections.create({
    name: "authors",
    ...OPEN_RULES,
    fields: [
      { name: "name", type: "text", required: true },
      { name: "rank", type: "number" },
    ],
    indexes: [],
  })
  const posts = await admin.collections.create({
    name: "posts",
    ...OPEN_RULES,
    fields: [
      { name: "title", type: "text", required: true },
      { name: "body", type: "editor" },
      { name: "views", type: "number" },
      { name: "published", type: "bool" },
      { name: "tags", type: "select", values: ["a", "b", "c", "d"], maxSelect: 4 },
      { name: "status", type: "select", values: ["draft", "live"], maxSelect: 1 },
      { name: "author", type: "relation", collectionId: authors.id, maxSelect: 1 },
      { name: "editors", type: "relation", collectionId: authors.id, maxSelect: 5 },
      { name: "meta", type: "json" },
    ],
  })
  const comments = await admin.collections.create({
    name: "comments",
    ...OPEN_RULES,
    fields: [
      { name: "text", type: "text" },
      { name: "post", type: "relation", collectionId: posts.id, maxSelect: 1, cascadeDelete: true },
      { name: "by", type: "relation", collectionId: authors.id, maxSelect: 1 },
    ],
  })
  const likes = await admin.collections.create({
    name: "likes",
    ...OPEN_RULES,
    fields: [{ name: "post", type: "relation", collectionId: posts.id, maxSelect: 1, required: true }],
  })
  return { authors: authors.id, posts: posts.id, comments: comments.id, likes: likes.id }
}

/** A record id made of a prefix padded to PocketBase's 15 `[a-z0-9]` characters. */
export function fixedId(prefix: string): string {
  return (prefix + "000000000000000").slice(0, 15)
}

/** GET/POST/… with the superuser's token, returning status and parsed JSON (null for no body). */
export async function raw(server: TestServer, path: string, init: RequestInit & { admin?: boolean } = {}): Promise<{ status: number; body: any }> {
  const headers = new Headers(init.headers)
  if (init.admin !== false) headers.set("authorization", server.admin.authStore.token)
  const response = await fetch(`${server.url}${path}`, { ...init, headers })
  const text = await response.text()
  return { status: response.status, body: text === "" ? null : JSON.parse(text) }
}
