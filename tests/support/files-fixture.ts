/**
 * @module
 * The collections the file tests share: `docs` (open rules, a viewRule for signed-in users, a
 * unique non-empty title, the given file fields) and `notes`, whose records belong to a doc
 * (cascade delete) and carry an attachment.
 */
import type PocketBase from "pocketbase"
import { OPEN_RULES } from "./records-fixture.ts"

/** Creates `docs` with `title` plus `fileFields`, and `notes`; returns the docs collection id. */
export async function createDocsAndNotes(admin: PocketBase, fileFields: Array<Record<string, unknown>>): Promise<string> {
  const docs = await admin.collections.create({
    name: "docs",
    ...OPEN_RULES,
    viewRule: "@request.auth.id != ''",
    fields: [{ name: "title", type: "text" }, ...fileFields],
    indexes: ["CREATE UNIQUE INDEX idx_docs_title ON docs (title) WHERE title != ''"],
  })
  await admin.collections.create({
    name: "notes",
    ...OPEN_RULES,
    fields: [
      { name: "doc", type: "relation", collectionId: docs.id, maxSelect: 1, cascadeDelete: true },
      { name: "attachment", type: "file", maxSelect: 1 },
    ],
  })
  return docs.id
}
