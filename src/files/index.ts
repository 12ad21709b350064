/**
 * @module
 * Generic file handling, no records or HTTP: stored names, content sniffing, storage backends and
 * PocketBase's serving rules.
 */
export { extractExtension, fileSnakeCase, storedFileName } from "./names.ts"
export { baseMime, sniff, SNIFF_LIMIT, type Sniffed } from "./sniff.ts"
export { DiskStorage, fileKey, MemoryStorage, UnsafeKeyError, type FileStorage, type StoredFile } from "./storage.ts"
export { goParseBool, parseRange, serveFile, type ServeRequest } from "./serve.ts"
export { serveStatic } from "./static.ts"
