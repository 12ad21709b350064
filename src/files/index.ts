/**
 * @module
 * Generic file handling, no records or HTTP: stored names, content sniffing, storage backends,
 * thumbnails and PocketBase's serving rules.
 */
export { extractExtension, fileSnakeCase, storedFileName } from "./names.ts"
export { baseMime, sniff, SNIFF_LIMIT, type Sniffed } from "./sniff.ts"
export { fileKey, MemoryStorage, thumbKey, thumbsDir, UnsafeKeyError, type FileContent, type FileStorage, type StoredFile } from "./storage.ts"
export { DiskStorage } from "./disk-storage.ts"
export { S3Storage, type S3Config } from "./s3-storage.ts"
export { StorageSelector, type S3Choice } from "./storage-selector.ts"
export { THUMB_SIZE } from "./thumbs.ts"
export { goParseBool, parseRange, serveFile, type ServeRequest } from "./serve.ts"
export { serveStatic } from "./static.ts"
