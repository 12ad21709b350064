/**
 * @module
 * PocketBase's filter language: parsing, compilation to bun:sqlite SQL (named `$pN` parameters),
 * sort compilation and in-memory evaluation for realtime.
 */
export type { CompareOp, Comparison, FilterExpr, Operand } from "./ast.ts"
export { forEachComparison } from "./ast.ts"
export { FilterResolveError, FilterSyntaxError, isFilterError } from "./errors.ts"
export { MAX_COMPARISONS, MAX_FILTER_BYTES, parseFilter } from "./parser.ts"
export type { SchemaLookup } from "./schema.ts"
export { hasSingleColumnUniqueIndex } from "./schema.ts"
export { SelectBuilder } from "./select-builder.ts"
export type { BuildOptions, BuiltQuery, SelectBuilderOptions, WhereOptions } from "./select-builder.ts"
export type { BindValue } from "./query-context.ts"
export { compileMatcher } from "./matcher.ts"
export type { MatcherOptions, RecordMatcher } from "./matcher.ts"
export { referencedRequestFields } from "./request-refs.ts"
