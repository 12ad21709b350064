/**
 * @module
 * Dispatches field logic by `field.type`.
 */

import type { FieldError } from "../../core/errors.ts"
import type { Field, FieldType } from "../../core/types.ts"
import { boolField } from "./bool.ts"
import { autodateField, autodateValue, dateField } from "./date.ts"
import { editorField } from "./editor.ts"
import { emailField } from "./email.ts"
import { fileField } from "./file.ts"
import { geoPointField } from "./geo-point.ts"
import type { ColumnValue, FieldHandler, ValidateContext } from "./handler.ts"
import { jsonField } from "./json.ts"
import { numberField } from "./number.ts"
import { passwordField } from "./password.ts"
import { relationField } from "./relation.ts"
import { selectField } from "./select.ts"
import { autogenerateText, textField } from "./text.ts"
import { urlField } from "./url.ts"

/** Every field type's handler. */
export const FIELD_HANDLERS: Readonly<Record<FieldType, FieldHandler>> = {
  text: textField,
  number: numberField,
  bool: boolField,
  email: emailField,
  url: urlField,
  editor: editorField,
  date: dateField,
  autodate: autodateField,
  select: selectField,
  json: jsonField,
  relation: relationField,
  file: fileField,
  password: passwordField,
  geoPoint: geoPointField,
}

/** The handler for `field.type`; throws for an unknown type (collections are validated before use). */
export function handlerOf(field: Field): FieldHandler {
  const handler = FIELD_HANDLERS[field.type]
  if (!handler) throw new TypeError(`unknown field type "${String(field.type)}"`)
  return handler
}

/** Normalizes any input into the record value for `field`. */
export const normalize = (field: Field, value: unknown): unknown => handlerOf(field).normalize(field, value)

/** Converts a record value into the `bun:sqlite` binding for `field`'s column. */
export const toColumn = (field: Field, value: unknown): ColumnValue => handlerOf(field).toColumn(field, value)

/** Decodes a raw column value into the record value (as record JSON shows it). */
export const fromColumn = (field: Field, raw: unknown): unknown => handlerOf(field).fromColumn(field, raw)

/** Validates a normalized record value; `null` when it passes. */
export const validateField = (field: Field, value: unknown, ctx: ValidateContext): FieldError | null =>
  handlerOf(field).validate(field, value, ctx)

/** The column value a missing field gets: PocketBase's per-type zero value, normalized. */
export const zeroValue = (field: Field): unknown => normalize(field, undefined)

/**
 * System-managed values applied just before validation on save: text `autogeneratePattern` fills
 * empty values on create, autodate fields take `now` (client input is ignored).
 */
export function prepareValue(field: Field, value: unknown, opts: { isNew: boolean; now: Date }): unknown {
  if (field.type === "autodate") return autodateValue(field, value, opts)
  if (field.type === "text") return autogenerateText(field, normalize(field, value) as string, opts.isNew)
  return normalize(field, value)
}
