/**
 * @module
 * Collections as JSON: export every collection (copy or download), or import a JSON array,
 * optionally deleting collections the import does not mention.
 */
import { useEffect, useState } from "preact/hooks"
import { errorMessage, fieldErrors, pb } from "../api.ts"
import { Checkbox, Notice, TextArea } from "../components/form.tsx"

export function CollectionsTransfer() {
  const [exported, setExported] = useState("")
  const [input, setInput] = useState("")
  const [deleteMissing, setDeleteMissing] = useState(false)
  const [outcome, setOutcome] = useState<{ kind: "ok" | "error"; text: string } | null>(null)

  useEffect(() => {
    pb.collections.getFullList({ sort: "created" }).then(
      (all) => setExported(JSON.stringify(all, null, 2)),
      (error) => setOutcome({ kind: "error", text: errorMessage(error) }),
    )
  }, [])

  const download = () => {
    const link = document.createElement("a")
    link.href = URL.createObjectURL(new Blob([exported], { type: "application/json" }))
    link.download = "pb_schema.json"
    link.click()
    URL.revokeObjectURL(link.href)
  }

  async function readFile(file: File | undefined) {
    if (file) setInput(await file.text())
  }

  async function runImport(event: Event) {
    event.preventDefault()
    setOutcome(null)
    let collections: unknown
    try {
      collections = JSON.parse(input)
    } catch {
      setOutcome({ kind: "error", text: "The text is not valid JSON." })
      return
    }
    if (!Array.isArray(collections)) {
      setOutcome({ kind: "error", text: "Expected a JSON array of collections." })
      return
    }
    try {
      await pb.collections.import(collections, deleteMissing)
      setOutcome({ kind: "ok", text: `Imported ${collections.length} collections.` })
    } catch (error) {
      const details = Object.entries(fieldErrors(error)).map(([path, message]) => `${path}: ${message}`).join("; ")
      setOutcome({ kind: "error", text: `${errorMessage(error)}${details ? ` (${details})` : ""}` })
    }
  }

  return (
    <section aria-labelledby="transfer-title">
      <header class="page-head"><h1 id="transfer-title">Import / export collections</h1></header>
      {outcome && <Notice kind={outcome.kind}>{outcome.text}</Notice>}
      <h2>Export</h2>
      <TextArea label="Every collection as JSON" value={exported} onValue={() => undefined} rows={10} mono />
      <div class="actions">
        <button type="button" onClick={download}>Download JSON</button>
        <button type="button" class="secondary" onClick={() => void navigator.clipboard?.writeText(exported)}>Copy</button>
      </div>
      <h2>Import</h2>
      <form onSubmit={runImport}>
        <label class="field">Load from a file<input type="file" accept="application/json,.json" onChange={(e) => void readFile(e.currentTarget.files?.[0])} /></label>
        <TextArea label="Collections JSON to import" value={input} onValue={setInput} rows={10} mono />
        <Checkbox label="Delete collections (and their records) missing from the import" checked={deleteMissing} onValue={setDeleteMissing} />
        <button type="submit" disabled={input.trim() === ""}>Import</button>
      </form>
    </section>
  )
}
