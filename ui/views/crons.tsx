/**
 * @module
 * Scheduled jobs: each job's id and cron expression, and a button to run it now.
 */
import { useState } from "preact/hooks"
import { errorMessage, pb } from "../api.ts"
import { ApiState } from "../components/api-state.tsx"
import { Notice } from "../components/form.tsx"
import { useApi } from "../use-api.ts"

export function CronsView() {
  const loaded = useApi(() => pb.crons.getFullList(), [])
  const [outcome, setOutcome] = useState<{ kind: "ok" | "error"; text: string } | null>(null)

  async function run(id: string) {
    setOutcome(null)
    try {
      await pb.crons.run(id)
      setOutcome({ kind: "ok", text: `Started ${id}.` })
    } catch (error) {
      setOutcome({ kind: "error", text: errorMessage(error) })
    }
  }

  return (
    <section aria-labelledby="crons-title">
      <header class="page-head"><h1 id="crons-title">Crons</h1></header>
      {outcome && <Notice kind={outcome.kind}>{outcome.text}</Notice>}
      <ApiState loaded={loaded} what="crons">
        {(jobs) => jobs.length === 0 ? <p class="empty">No scheduled jobs.</p> : (
          <table>
            <thead><tr><th scope="col">Job</th><th scope="col">Schedule</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id}>
                  <td class="mono">{job.id}</td><td class="mono">{job.expression}</td>
                  <td class="row-actions"><button type="button" class="secondary small" onClick={() => void run(job.id)}>Run {job.id} now</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ApiState>
    </section>
  )
}
