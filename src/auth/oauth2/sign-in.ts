/**
 * @module
 * `POST /api/collections/:c/auth-with-oauth2`: exchange the code, look the user up, then find
 * the record (an existing link, the signed-in record, or a record with the provider-verified
 * email), or create one from `createData` and the mapped fields, and link it in `_externalAuths`.
 */
import { ApiError, badRequest, fieldError, forbidden } from "../../core/errors.ts"
import type { AuthContext, Collection, RecordData, RequestInfo } from "../../core/types.ts"
import { hashPassword } from "../../core/passwords.ts"
import { newTokenKey, randomString } from "../../core/random.ts"
import { PasswordValue } from "../../records/fields/index.ts"
import type { RecordService } from "../../records/service.ts"
import { SUPERUSERS } from "../../records/collection-defaults.ts"
import { findAuthRecordByEmail, saveAuthRecord, type FlowDeps } from "../flows/deps.ts"
import { readStrings } from "../flows/form.ts"
import type { SystemRecords } from "../flows/system-records.ts"
import { findSingleColumnUniqueIndex } from "../identity-lookup.ts"
import { exchangeCode, fetchUser, type ResolvedProvider } from "./client.ts"
import { findProvider, oauth2Options } from "./config.ts"
import { downloadAvatar } from "./avatar.ts"
import type { OAuth2User } from "./providers.ts"
import type { AppleNames } from "./apple-names.ts"

/** What the OAuth2 sign-in needs beside the flow services. */
export interface OAuth2Deps extends FlowDeps {
  recordService: RecordService
  externalAuths: SystemRecords
  /** Names Apple posted to the redirect, by authorization code. */
  appleNames: AppleNames
  /** Fetch avatars from loopback/private addresses too (tests only). */
  allowPrivateAvatarHosts: () => boolean
}

/** The signed-in record and PocketBase's `meta` (the provider's user plus `isNew`). */
export interface OAuth2SignIn {
  record: RecordData
  meta: Record<string, unknown>
}

const loadingFailed = (data = {}) => badRequest("An error occurred while loading the submitted data.", data)

/** Runs the sign-in up to (not including) the shared completion step. */
export async function signInWithOAuth2(deps: OAuth2Deps, collection: Collection, body: Record<string, unknown>, request: RequestInfo): Promise<OAuth2SignIn> {
  if (!oauth2Options(collection).enabled) throw forbidden("The collection is not configured to allow OAuth2 authentication.")
  const form = readStrings(body, ["provider", "code", "codeVerifier", "redirectURL", "redirectUrl"])
  const createData = body.createData ?? null
  if (createData !== null && (typeof createData !== "object" || Array.isArray(createData))) throw loadingFailed()
  const provider = form.provider === "" || form.provider.length > 100 ? null : findProvider(collection, form.provider)
  const errors: Record<string, ReturnType<typeof fieldError>> = {}
  if (form.provider === "") errors.provider = fieldError("validation_required", "Cannot be blank.")
  else if (form.provider.length > 100) errors.provider = fieldError("validation_length_too_long", "The length must be no more than 100.", { max: 100 })
  else if (!provider) errors.provider = fieldError("validation_invalid_provider", `Provider with name ${form.provider} is missing or is not enabled.`, { name: form.provider })
  if (form.code === "") errors.code = fieldError("validation_required", "Cannot be blank.")
  if (Object.keys(errors).length > 0 || !provider) throw loadingFailed(errors)

  const user = await fetchProviderUser(provider, { code: form.code, redirectURL: form.redirectURL || form.redirectUrl, codeVerifier: form.codeVerifier })
  if (provider.config.name === "apple" && user.name === "") user.name = deps.appleNames.take(form.code)
  const link = findLink(deps, collection, provider.config.name, user.id)
  const caller = request.auth?.collection.id === collection.id ? request.auth : null
  let record = link ? deps.records.findById(collection, String(link.recordRef)) : null
  if (link && !record) throw new ApiError(404, "The requested resource wasn't found.")
  if (!record && caller) record = caller.record
  if (!record && user.email !== "") record = findAuthRecordByEmail(deps.records, collection, user.email)
  const isNew = record === null
  try {
    record = isNew
      ? await createRecord(deps, collection, user, (createData ?? {}) as Record<string, unknown>, request)
      : await updateLinkedRecord(deps, collection, record!, user, caller)
    // An unverified record loses its links above; then this one is made again.
    const stillLinked = link && deps.externalAuths.findById(String(link.id))
    if (!stillLinked) deps.externalAuths.create({ collection, record }, { provider: provider.config.name, providerId: user.id })
  } catch (error) {
    if (error instanceof ApiError) throw error
    throw new ApiError(400, "Failed to authenticate.", {}, { cause: error })
  }
  const { accessToken, refreshToken, expiry, rawUser, id, name, username, email, avatarURL } = user
  return {
    record,
    meta: { expiry, rawUser, id, name, username, avatarURL, accessToken, refreshToken, email, avatarUrl: avatarURL, isNew },
  }
}

async function fetchProviderUser(provider: ResolvedProvider, input: { code: string; redirectURL: string; codeVerifier: string }): Promise<OAuth2User> {
  let token
  try {
    token = await exchangeCode(provider, input)
  } catch (error) {
    throw new ApiError(400, "Failed to fetch OAuth2 token.", {}, { cause: error })
  }
  try {
    const user = await fetchUser(provider, token)
    if (user.id === "") throw new Error("the provider returned no user id")
    return user
  } catch (error) {
    throw new ApiError(400, "Failed to fetch OAuth2 user.", {}, { cause: error })
  }
}

function findLink(deps: OAuth2Deps, collection: Collection, provider: string, providerId: string): RecordData | null {
  return deps.records.findWhere(deps.externalAuths.collection, "collectionRef = ? AND provider = ? AND providerId = ? LIMIT 1", [collection.id, provider, providerId])[0] ?? null
}

// A new record goes through the records API's create (its createRule and validation), with a
// random password unless createData brings one.
async function createRecord(deps: OAuth2Deps, collection: Collection, user: OAuth2User, createData: Record<string, unknown>, request: RequestInfo): Promise<RecordData> {
  if (collection.name === SUPERUSERS) throw new Error("superusers cannot sign up with OAuth2")
  const mapped = oauth2Options(collection).mappedFields
  const payload: Record<string, unknown> = { ...createData }
  if (typeof payload.email !== "string" || payload.email === "") payload.email = user.email
  if (mapped.id && !(mapped.id in payload)) payload[mapped.id] = user.id
  if (mapped.name && !(mapped.name in payload)) payload[mapped.name] = user.name
  if (mapped.username && !(mapped.username in payload) && usernameIsFree(deps, collection, mapped.username, user.username)) payload[mapped.username] = user.username
  const files: Record<string, File[]> = {}
  if (mapped.avatarURL && !(mapped.avatarURL in payload) && user.avatarURL !== "") {
    const field = collection.fields.find((f) => f.name === mapped.avatarURL)
    if (field?.type === "file") {
      const avatar = await downloadAvatar(user.avatarURL, deps.allowPrivateAvatarHosts())
      if (avatar) files[mapped.avatarURL] = [avatar]
    } else if (field) payload[mapped.avatarURL] = user.avatarURL
  }
  if (!("password" in payload)) {
    payload.password = randomString(30)
    payload.passwordConfirm = payload.password
  }
  const created = (await deps.recordService.create(collection.name, payload, {}, { ...request, context: "oauth2" }, files)) as { id: string }
  const record = deps.records.findById(collection, created.id)
  if (!record) throw new Error("the created record vanished")
  if (record.email === user.email && user.email !== "" && record.verified !== true) return saveAuthRecord(deps.recordLifecycle, collection, record, { verified: true })
  return record
}

function usernameIsFree(deps: OAuth2Deps, collection: Collection, field: string, username: string): boolean {
  if (username === "" || !collection.fields.some((f) => f.name === field)) return false
  const index = findSingleColumnUniqueIndex(collection.indexes, field)
  if (!index || !/^\w+$/.test(field)) return true
  const collate = index.collate === "NOCASE" ? " COLLATE NOCASE" : ""
  return deps.records.findWhere(collection, `\`${field}\` = ?${collate} LIMIT 1`, [username]).length === 0
}

// An unverified record found by email may have been registered by someone else: its password
// is reset and its earlier links dropped before the provider's verified email takes it over.
async function updateLinkedRecord(deps: OAuth2Deps, collection: Collection, record: RecordData, user: OAuth2User, caller: AuthContext | null): Promise<RecordData> {
  const changes: RecordData = {}
  const signedIn = caller !== null && caller.record.id === record.id
  if (!signedIn && record.verified !== true) {
    changes.password = new PasswordValue("", await hashPassword(randomString(30)))
    changes.tokenKey = newTokenKey()
  }
  if (record.verified !== true) {
    for (const link of deps.externalAuths.findByOwner({ collection, record })) deps.externalAuths.delete(link)
  }
  const email = String(record.email ?? "")
  if (email === "" && user.email !== "") changes.email = user.email
  if (record.verified !== true && (email === "" || email === user.email)) changes.verified = true
  return Object.keys(changes).length > 0 ? saveAuthRecord(deps.recordLifecycle, collection, record, changes) : record
}
