/**
 * @module
 * Test helper: a field of `type` with PocketBase's defaults plus `options`.
 */

import type { Field, FieldType } from "../../core/types.ts"
import { withFieldDefaults } from "./defaults.ts"

export const makeField = (type: FieldType, options: Partial<Field> = {}, name = "f"): Field =>
  withFieldDefaults({ name, type, ...options })
