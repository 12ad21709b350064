/**
 * @module
 * PocketBase's field validation errors (codes, messages and params as the reference server renders them).
 */

import { fieldError, type FieldError } from "../../core/errors.ts"

export const errRequired = (): FieldError => fieldError("validation_required", "Cannot be blank.")
export const errInvalidFormat = (): FieldError => fieldError("validation_invalid_format", "Invalid value format.")
export const errMinText = (min: number): FieldError =>
  fieldError("validation_min_text_constraint", `Must be at least ${min} character(s).`, { min })
export const errMaxText = (max: number): FieldError =>
  fieldError("validation_max_text_constraint", `Must be no more than ${max} character(s).`, { max })
export const errPkChange = (): FieldError =>
  fieldError("validation_pk_change", "The record primary key cannot be changed.")
