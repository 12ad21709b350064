/**
 * @module
 * Pure, DB-free record field logic: per-type normalization, column encoding and validation,
 * request-body helpers (form inference, modifiers), datetimes and field JSON defaults.
 */

export type { ColumnValue, FieldHandler, ValidateContext } from "./handler.ts"
export { FIELD_HANDLERS, fromColumn, handlerOf, normalize, prepareValue, toColumn, validateField, zeroValue } from "./registry.ts"

export { formatDate, goRFC3339, goTimeString, normalizeDate, parseDate } from "./dates.ts"
export { formatFloat, parseFloatStrict } from "../../core/numbers.ts"
export { isMultiple, normalizeList, normalizeListValue, scalarToString } from "./lists.ts"

export { autogenerateText, DEFAULT_TEXT_MAX } from "./text.ts"
export { toNumber } from "./number.ts"
export { toBool } from "./bool.ts"
export { DEFAULT_EDITOR_MAX_SIZE } from "./editor.ts"
export { autodateValue } from "./date.ts"
export { errTooManyValues } from "./select.ts"
export { DEFAULT_JSON_MAX_SIZE, normalizeJson } from "./json.ts"
export { errMissingRelRecords, relationIds } from "./relation.ts"
export {
  checkUpload, DEFAULT_FILE_MAX_SIZE, errFileSizeLimit, errInvalidFiles, errInvalidMimeType, errTooManyFiles,
  fileMaxSize, invalidFileNames,
} from "./file.ts"
export { DEFAULT_PASSWORD_COST, DEFAULT_PASSWORD_MAX, PasswordValue, toPasswordValue } from "./password.ts"
export { toGeoPoint, type GeoPoint } from "./geo-point.ts"
export { domainAllowed, isEmail, urlHost } from "./domains.ts"
export { errInvalidFormat, errMaxText, errMinText, errPkChange, errRequired } from "./field-errors.ts"

export { generateFromPattern, generateRecordId, PatternError, RECORD_ID_PATTERN } from "./autogenerate.ts"
export { FormBodyError, inferFormValue, JSON_PAYLOAD_KEY, parseFormBody, type FormBody } from "./body.ts"
export { applyModifier, applyModifiers, resolveModifierKey, type ModifiedBody, type ModifierOp, type ResolvedKey } from "./modifiers.ts"
export { defaultFieldId, FIELD_TYPE_DEFAULTS, fieldKeys, withFieldDefaults } from "./defaults.ts"
