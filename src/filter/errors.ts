/**
 * @module
 * The two failures the filter package reports. Both mean "the filter text is bad" and the records
 * service turns them into a 400; anything else escaping this package is a bug.
 */

/** The filter text does not follow the grammar; `position` is the 0-based character offset. */
export class FilterSyntaxError extends Error {
  readonly position: number

  constructor(message: string, position: number) {
    super(`${message} (at position ${position})`)
    this.name = "FilterSyntaxError"
    this.position = position
  }
}

/** The filter parses but cannot be resolved against the collection (unknown field, hidden field, ...). */
export class FilterResolveError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "FilterResolveError"
  }
}

/** True for the errors this package throws on purpose. */
export const isFilterError = (error: unknown): error is FilterSyntaxError | FilterResolveError =>
  error instanceof FilterSyntaxError || error instanceof FilterResolveError
