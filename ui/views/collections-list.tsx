/**
 * @module
 * Every collection with its type and field count; links to its records and its editor.
 */
import { useEffect, useState } from "preact/hooks"
import type { CollectionModel } from "pocketbase"
import { errorMessage, pb } from "../api.ts"
import { Notice } from "../components/form.tsx"
import { href } from "../router.ts"

export function CollectionsList() {
  const [collections, setCollections] = useState<CollectionModel[] | null>(null)
  const [failure, setFailure] = useState("")
  const [showSystem, setShowSystem] = useState(false)

  useEffect(() => {
    pb.collections.getFullList({ sort: "name" }).then(setCollections, (error) => setFailure(errorMessage(error)))
  }, [])

  const shown = (collections ?? []).filter((c) => showSystem || !c.system)
  return (
    <section aria-labelledby="collections-title">
      <header class="page-head">
        <h1 id="collections-title">Collections</h1>
        <div class="actions">
          <a class="button" href={href("collections/new")}>New collection</a>
          <a class="button secondary" href={href("collections/transfer")}>Import / export</a>
        </div>
      </header>
      {failure && <Notice kind="error">{failure}</Notice>}
      <label class="inline">
        <input type="checkbox" checked={showSystem} onChange={(e) => setShowSystem(e.currentTarget.checked)} /> Show system collections
      </label>
      {collections === null && !failure && <p>Loading…</p>}
      {collections && shown.length === 0 && <p class="empty">No collections yet. Create one to start storing records.</p>}
      {shown.length > 0 && (
        <table>
          <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Fields</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {shown.map((c) => (
              <tr key={c.id}>
                <td><a href={href(`collections/${c.name}`)}>{c.name}</a></td>
                <td><span class={`tag ${c.type}`}>{c.type}</span></td>
                <td>{c.fields.length}</td>
                <td class="row-actions"><a href={href(`collections/${c.name}/edit`)} aria-label={`Edit ${c.name}`}>Edit schema</a></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
