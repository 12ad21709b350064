/**
 * @module
 * Zip archives of a data directory, with fflate (a small, dependency-free zip library; Bun has no
 * zip support of its own). Archives are built and read in memory, deflated at the fastest level
 * (as PocketBase does); entry names are checked so an archive cannot write outside its folder.
 */
import { unzip, zip, type AsyncZippable } from "fflate"

/** The archive is not a zip, or holds a name that could escape the extraction folder. */
export class InvalidArchiveError extends Error {}

/** Zips `files` (archive name → content). */
export function createZip(files: Map<string, Uint8Array>): Promise<Uint8Array> {
  const input: AsyncZippable = {}
  for (const [name, content] of files) input[name] = [content, { level: 1 }]
  return new Promise((resolve, reject) => zip(input, (error, data) => (error ? reject(error) : resolve(data))))
}

/** Reads every file of a zip (folders left out); throws `InvalidArchiveError`. */
export async function readZip(archive: Uint8Array): Promise<Map<string, Uint8Array>> {
  const entries = await new Promise<Record<string, Uint8Array>>((resolve, reject) =>
    unzip(archive, (error, data) => (error ? reject(new InvalidArchiveError(`not a valid zip archive: ${error.message}`)) : resolve(data))),
  )
  const files = new Map<string, Uint8Array>()
  for (const [name, content] of Object.entries(entries)) {
    if (name.endsWith("/")) continue
    if (!isSafeEntryName(name)) throw new InvalidArchiveError(`unsafe archive entry name ${JSON.stringify(name)}`)
    files.set(name, content)
  }
  return files
}

// Relative, forward slashes, no `..` or empty segments, nothing absolute.
function isSafeEntryName(name: string): boolean {
  if (name === "" || name.startsWith("/") || name.includes("\\") || name.includes("\0") || /^[a-zA-Z]:/.test(name)) return false
  return name.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..")
}
