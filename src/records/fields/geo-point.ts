/**
 * @module
 * `geoPoint` fields: `{lon, lat}` stored as JSON text.
 */

import { fieldError } from "../../core/errors.ts"
import { errRequired } from "./field-errors.ts"
import type { FieldHandler } from "./handler.ts"

/** A longitude/latitude pair in degrees. */
export interface GeoPoint {
  lon: number
  lat: number
}

const ZERO = (): GeoPoint => ({ lon: 0, lat: 0 })

/**
 * Reads `{lon, lat}` from an object or its JSON text; missing keys are 0 and extra keys dropped.
 * Like Go's decoder, any wrongly typed coordinate (`{"lon":"5"}`) yields `{0, 0}` (checked on the reference server).
 */
export function toGeoPoint(value: unknown): GeoPoint {
  let input = value
  if (typeof input === "string") {
    try {
      input = JSON.parse(input)
    } catch {
      return ZERO()
    }
  }
  if (input === null || typeof input !== "object" || Array.isArray(input)) return ZERO()
  const { lon = 0, lat = 0 } = input as Record<string, unknown>
  const ok = (n: unknown) => n === null || typeof n === "number"
  if (!ok(lon) || !ok(lat)) return ZERO()
  return { lon: (lon as number | null) ?? 0, lat: (lat as number | null) ?? 0 }
}

export const geoPointField: FieldHandler = {
  normalize: (_field, value) => toGeoPoint(value),
  toColumn: (_field, value) => {
    const { lon, lat } = toGeoPoint(value)
    return JSON.stringify({ lon, lat })
  },
  fromColumn: (_field, raw) => toGeoPoint(raw),
  validate(field, value) {
    const { lon, lat } = toGeoPoint(value)
    if (lon === 0 && lat === 0) return field.required ? errRequired() : null
    // checked on the reference server: latitude is reported first when both are out of range
    if (!(lat >= -90 && lat <= 90)) {
      return fieldError("validation_invalid_latitude", "Latitude must be between -90 and 90 degrees.")
    }
    if (!(lon >= -180 && lon <= 180)) {
      return fieldError("validation_invalid_longitude", "Longitude must be between -180 and 180 degrees.")
    }
    return null
  },
}
