/**
 * @module
 * The `?fields=` parameter PocketBase applies to every JSON answer, for routes outside the
 * records API (which applies it itself).
 */
import { ApiError } from "../core/errors.ts"
import { FieldsParamError, pickResponse } from "../records/pick-fields.ts"

/** `body` narrowed to `fields` (a list envelope per item); a malformed modifier is PocketBase's generic 400. */
export function withFields(body: unknown, fields: string | undefined): unknown {
  try {
    return pickResponse(body, fields)
  } catch (error) {
    if (error instanceof FieldsParamError) throw new ApiError(400, "Something went wrong while processing your request.", {}, { cause: error })
    throw error
  }
}
