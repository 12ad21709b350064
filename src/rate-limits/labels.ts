/**
 * @module
 * The labels a request is rate limited by, as PocketBase derives them: collection routes are
 * named by their action (`users:authWithPassword`, then `*:authWithPassword`, `*:auth`), every
 * request by `METHOD /path` and `/path`. The counter id keeps collection actions apart per
 * collection, and other rules per label.
 */

/** PocketBase's action names for the collection routes; `auth` is the extra tag of the logins. */
const COLLECTION_ROUTES: Array<{ method: string; pattern: RegExp; tags: string[] }> = [
  { method: "GET", pattern: /^\/api\/collections\/([^/]+)\/records\/?$/, tags: ["list"] },
  { method: "POST", pattern: /^\/api\/collections\/([^/]+)\/records\/?$/, tags: ["create"] },
  { method: "GET", pattern: /^\/api\/collections\/([^/]+)\/records\/[^/]+$/, tags: ["view"] },
  { method: "PATCH", pattern: /^\/api\/collections\/([^/]+)\/records\/[^/]+$/, tags: ["update"] },
  { method: "DELETE", pattern: /^\/api\/collections\/([^/]+)\/records\/[^/]+$/, tags: ["delete"] },
  { method: "GET", pattern: /^\/api\/collections\/([^/]+)\/auth-methods$/, tags: ["listAuthMethods"] },
  { method: "POST", pattern: /^\/api\/collections\/([^/]+)\/auth-refresh$/, tags: ["authRefresh"] },
  { method: "POST", pattern: /^\/api\/collections\/([^/]+)\/auth-with-password$/, tags: ["authWithPassword", "auth"] },
  { method: "POST", pattern: /^\/api\/collections\/([^/]+)\/auth-with-oauth2$/, tags: ["authWithOAuth2", "auth"] },
  { method: "POST", pattern: /^\/api\/collections\/([^/]+)\/request-otp$/, tags: ["requestOTP"] },
  { method: "POST", pattern: /^\/api\/collections\/([^/]+)\/auth-with-otp$/, tags: ["authWithOTP", "auth"] },
  { method: "POST", pattern: /^\/api\/collections\/([^/]+)\/request-password-reset$/, tags: ["requestPasswordReset"] },
  { method: "POST", pattern: /^\/api\/collections\/([^/]+)\/confirm-password-reset$/, tags: ["confirmPasswordReset"] },
  { method: "POST", pattern: /^\/api\/collections\/([^/]+)\/request-verification$/, tags: ["requestVerification"] },
  { method: "POST", pattern: /^\/api\/collections\/([^/]+)\/confirm-verification$/, tags: ["confirmVerification"] },
  { method: "POST", pattern: /^\/api\/collections\/([^/]+)\/request-email-change$/, tags: ["requestEmailChange"] },
  { method: "POST", pattern: /^\/api\/collections\/([^/]+)\/confirm-email-change$/, tags: ["confirmEmailChange"] },
  { method: "GET", pattern: /^\/api\/files\/([^/]+)\/[^/]+\/[^/]+$/, tags: ["file"] },
]

/** What a request is limited by. */
export interface RateLimitTarget {
  labels: string[]
  /** Prefix of the counter id; the matched rule's label is appended for non-collection routes. */
  collectionCounter: string | null
}

/**
 * The labels of a request; null for a collection route whose collection does not exist (its
 * handler answers 404 first, and PocketBase counts nothing).
 */
export function rateLimitTarget(method: string, path: string, findCollection: (idOrName: string) => { id: string; name: string } | undefined): RateLimitTarget | null {
  const pathLabels = [`${method} ${path}`, path]
  for (const route of COLLECTION_ROUTES) {
    if (route.method !== method) continue
    const match = route.pattern.exec(path)
    if (!match) continue
    const collection = findCollection(safeDecode(match[1]!))
    if (!collection) return null
    return {
      labels: [...route.tags.map((tag) => `${collection.name}:${tag}`), ...route.tags.map((tag) => `*:${tag}`), ...pathLabels],
      collectionCounter: `${collection.id}:${route.tags.join("+")}`,
    }
  }
  return { labels: pathLabels, collectionCounter: null }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
