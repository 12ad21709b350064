/**
 * @module
 * Request and app logs: a requests-over-time chart (`/api/logs/stats`), a filtered, paged list
 * (`/api/logs`), and the full entry on selection.
 */
import { useState } from "preact/hooks"
import type { LogModel } from "pocketbase"
import { pb } from "../api.ts"
import { ApiState } from "../components/api-state.tsx"
import { Input } from "../components/form.tsx"
import { LineChart } from "../components/line-chart.tsx"
import { useApi } from "../use-api.ts"

const PER_PAGE = 30
// Log levels are slog's numbers.
const LEVELS: Record<string, string> = { "-4": "debug", "0": "info", "4": "warn", "8": "error" }
// The SDK types `level` as a string; the API sends a number.
const levelName = (level: unknown) => LEVELS[String(level)] ?? String(level)

export function LogsView() {
  const [filterText, setFilterText] = useState("")
  const [filter, setFilter] = useState("")
  const [page, setPage] = useState(1)
  const [selected, setSelected] = useState<LogModel | null>(null)
  const list = useApi(() => pb.logs.getList(page, PER_PAGE, { filter, sort: "-created" }), [filter, page])
  const stats = useApi(() => pb.logs.getStats({ filter }), [filter])

  const apply = (event: Event) => {
    event.preventDefault()
    setPage(1)
    setFilter(filterText)
  }

  return (
    <section aria-labelledby="logs-title">
      <header class="page-head"><h1 id="logs-title">Logs</h1></header>
      <form class="toolbar" onSubmit={apply} role="search">
        <Input label="Filter" value={filterText} onValue={setFilterText} class="mono" placeholder={`e.g. level > 0 || data.status >= 400`} />
        <button type="submit">Apply</button>
      </form>
      <ApiState loaded={stats} what="logs">
        {(points) => (
          <LineChart title="Requests per hour" unit="requests" from={points[0]?.date.slice(0, 16)} to={points.at(-1)?.date.slice(0, 16)}
            series={[{ name: "requests", values: points.map((p) => p.total) }]} />
        )}
      </ApiState>
      {list.status !== 404 && (
        <ApiState loaded={list} what="logs">
          {(result) => (
            <>
              <div class="table-wrap">
                <table>
                  <thead><tr><th scope="col">Time</th><th scope="col">Level</th><th scope="col">Message</th><th scope="col">Details</th></tr></thead>
                  <tbody>
                    {result.items.map((log) => (
                      <tr key={log.id}>
                        <td class="mono">{log.created}</td>
                        <td><span class={`tag level-${levelName(log.level)}`}>{levelName(log.level)}</span></td>
                        <td><button type="button" class="link" onClick={() => setSelected(log)}>{log.message}</button></td>
                        <td class="mono">{[log.data.method, log.data.url, log.data.status].filter((v) => v !== undefined).join(" ")}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {result.items.length === 0 && <p class="empty">No log entries match.</p>}
              <nav class="pager" aria-label="Pages">
                <button type="button" class="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>Previous</button>
                <span>Page {result.page} of {Math.max(1, result.totalPages)}</span>
                <button type="button" class="secondary" disabled={page >= result.totalPages} onClick={() => setPage(page + 1)}>Next</button>
              </nav>
            </>
          )}
        </ApiState>
      )}
      {selected && (
        <section class="card" aria-label="Log entry">
          <h2>{selected.message}</h2>
          <pre class="mono">{JSON.stringify(selected, null, 2)}</pre>
          <button type="button" class="secondary" onClick={() => setSelected(null)}>Close</button>
        </section>
      )}
    </section>
  )
}
