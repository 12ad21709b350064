/**
 * @module
 * Backups: list, create, upload, download (with a superuser file token), restore and delete.
 */
import { useState } from "preact/hooks"
import { errorMessage, pb } from "../api.ts"
import { ApiState } from "../components/api-state.tsx"
import { Input, Notice } from "../components/form.tsx"
import { useApi } from "../use-api.ts"

const size = (bytes: number) => (bytes > 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`)

export function BackupsView() {
  const loaded = useApi(() => pb.backups.getFullList(), [])
  const [name, setName] = useState("")
  const [outcome, setOutcome] = useState<{ kind: "ok" | "error"; text: string } | null>(null)

  async function act(action: () => Promise<unknown>, done: string) {
    setOutcome(null)
    try {
      await action()
      setOutcome({ kind: "ok", text: done })
      loaded.reload()
    } catch (error) {
      setOutcome({ kind: "error", text: errorMessage(error) })
    }
  }

  const create = (event: Event) => {
    event.preventDefault()
    void act(() => pb.backups.create(name), "Backup created.")
    setName("")
  }
  const upload = (file: File | undefined) => file && void act(() => pb.backups.upload({ file }), `Uploaded ${file.name}.`)
  const download = async (key: string) => {
    const token = await pb.files.getToken()
    location.href = pb.backups.getDownloadURL(token, key)
  }
  const restore = (key: string) => confirm(`Restore ${key}? The server restarts with that data.`) && void act(() => pb.backups.restore(key), `Restoring ${key}…`)
  const remove = (key: string) => confirm(`Delete backup ${key}?`) && void act(() => pb.backups.delete(key), `Deleted ${key}.`)

  return (
    <section aria-labelledby="backups-title">
      <header class="page-head"><h1 id="backups-title">Backups</h1></header>
      {outcome && <Notice kind={outcome.kind}>{outcome.text}</Notice>}
      <ApiState loaded={loaded} what="backups">
        {(backups) => (
          <>
            <form class="toolbar" onSubmit={create}>
              <Input label="New backup name (optional)" value={name} onValue={setName} placeholder="pb_backup_….zip" />
              <button type="submit">Create backup</button>
              <label class="field">Upload a backup<input type="file" accept=".zip,application/zip" onChange={(e) => upload(e.currentTarget.files?.[0])} /></label>
            </form>
            {backups.length === 0 ? <p class="empty">No backups yet.</p> : (
              <table>
                <thead><tr><th scope="col">Name</th><th scope="col">Size</th><th scope="col">Modified</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
                <tbody>
                  {backups.map((b) => (
                    <tr key={b.key}>
                      <td class="mono">{b.key}</td><td>{size(b.size)}</td><td>{b.modified}</td>
                      <td class="row-actions">
                        <button type="button" class="link" onClick={() => void download(b.key)}>Download</button>
                        <button type="button" class="link" onClick={() => restore(b.key)}>Restore</button>
                        <button type="button" class="link danger" onClick={() => remove(b.key)}>Delete</button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </ApiState>
    </section>
  )
}
