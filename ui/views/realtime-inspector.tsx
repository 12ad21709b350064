/**
 * @module
 * The realtime inspector: who is connected (transport, identity, IP, since when, buffer use,
 * subscriptions with options), events per second per collection, deliveries and slow-client
 * drops, per process and for the broker. Polls the superuser endpoints every second.
 */
import { useEffect, useRef, useState } from "preact/hooks"
import { errorMessage, pb } from "../api.ts"
import { Notice } from "../components/form.tsx"
import { formatNumber, LineChart, type Series } from "../components/line-chart.tsx"
import { ratesBetween, type Point, type Sample, type Stats } from "../realtime-rates.ts"

interface ClientInfo {
  id: string
  auth: { id: string; collectionName: string; email?: string } | null
  subscriptions: number
  connectedAt: string
  node: string
  transport?: string
  ip?: string
  topics?: Array<{ topic: string; options: { query: Record<string, string>; headers: Record<string, string> } | null }>
  queuedBytes?: number
  bufferBytes?: number
}

const POLL_MS = 1_000
const HISTORY = 60
// Redrawing thousands of rows every second would stall the page; totals still count everyone.
const SHOWN_CLIENTS = 200

function optionsText(options: { query: Record<string, string>; headers: Record<string, string> } | null): string {
  if (!options) return ""
  const parts = [...Object.entries(options.query).map(([k, v]) => `${k}=${v}`), ...Object.keys(options.headers).map((k) => `header ${k}`)]
  return parts.join(", ")
}

function brokerText(stats: Stats): string {
  if (stats.broker !== "redis" && stats.broker !== "socket") return "in-process"
  const lost = stats.nodes.some((n) => n.brokerHealthy === false)
  return `${stats.broker === "redis" ? "Redis" : "local socket hub"}, ${stats.nodes.length} process${stats.nodes.length === 1 ? "" : "es"}${lost ? ", connection lost" : ""}`
}

const since = (connectedAt: string) => {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(connectedAt.replace(" ", "T"))) / 1000))
  return seconds < 60 ? `${seconds}s` : seconds < 3600 ? `${Math.floor(seconds / 60)}m ${seconds % 60}s` : `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`
}

export function RealtimeInspector() {
  const [stats, setStats] = useState<Stats | null>(null)
  const [clients, setClients] = useState<ClientInfo[]>([])
  const [history, setHistory] = useState<Point[]>([])
  const [failure, setFailure] = useState("")
  const last = useRef<Sample | null>(null)

  useEffect(() => {
    let stopped = false
    const poll = async () => {
      try {
        const [nextStats, list] = await Promise.all([
          pb.send<Stats>("/api/realtime/stats", {}),
          pb.send<{ items: ClientInfo[] }>("/api/realtime/clients", {}),
        ])
        if (stopped) return
        const sample: Sample = { at: Date.now(), nodes: new Map(nextStats.nodes.map((n) => [n.node, n])) }
        if (last.current) {
          const point = ratesBetween(last.current, sample)
          setHistory((h) => [...h, point].slice(-HISTORY))
        }
        last.current = sample
        setStats(nextStats)
        setClients(list.items)
        setFailure("")
      } catch (error) {
        if (!stopped) setFailure(errorMessage(error))
      }
    }
    void poll()
    const timer = setInterval(poll, POLL_MS)
    return () => {
      stopped = true
      clearInterval(timer)
    }
  }, [])

  // Collections that had events within the window; quiet ones would only add flat lines.
  const names = [...new Set(history.flatMap((p) => Object.keys(p.rates).filter((name) => (p.rates[name] ?? 0) > 0)))].sort()
  const eventSeries: Series[] = names.map((name) => ({ name, values: history.map((p) => p.rates[name] ?? 0) }))
  const deliverySeries: Series[] = history.length
    ? [{ name: "frames delivered", values: history.map((p) => p.delivered) }, { name: "slow clients dropped", values: history.map((p) => p.dropped) }]
    : []

  return (
    <section aria-labelledby="realtime-title">
      <header class="page-head"><h1 id="realtime-title">Realtime</h1><span class="live" aria-hidden="true">● live</span></header>
      {failure && <Notice kind="error">{failure}</Notice>}
      {stats && (
        <dl class="stat-tiles" aria-label="Totals across every process">
          <div><dt>Clients</dt><dd data-testid="total-clients">{stats.total.clients}</dd></div>
          <div><dt>Subscriptions</dt><dd>{stats.total.subscriptions}</dd></div>
          <div><dt>Events in</dt><dd>{stats.total.eventsIn}</dd></div>
          <div><dt>Frames delivered</dt><dd>{stats.total.framesOut}</dd></div>
          <div><dt>Slow clients dropped</dt><dd>{stats.total.droppedSlowClients}</dd></div>
          <div><dt>Broker</dt><dd>{brokerText(stats)}</dd></div>
        </dl>
      )}
      <div class="charts">
        <LineChart title="Events per second by collection" series={eventSeries} unit="/s" />
        <LineChart title="Deliveries and drops per second" series={deliverySeries} unit="/s" />
      </div>
      {stats && (stats.broker === "redis" || stats.broker === "socket") && (
        <table>
          <caption>Processes</caption>
          <thead><tr><th scope="col">Process</th><th scope="col">Clients</th><th scope="col">Events in</th><th scope="col">Delivered</th><th scope="col">Dropped</th><th scope="col">Late / superseded</th><th scope="col">Redis</th></tr></thead>
          <tbody>
            {stats.nodes.map((n) => (
              <tr key={n.node}><td class="mono">{n.node}</td><td>{n.clients}</td><td>{n.eventsIn}</td><td>{n.framesOut}</td><td>{n.droppedSlowClients}</td><td>{n.late ?? 0} / {n.superseded ?? 0}</td><td>{n.brokerHealthy === false ? "connection lost" : "connected"}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Connected clients{clients.length > SHOWN_CLIENTS && <small class="hint"> (the first {SHOWN_CLIENTS} of {clients.length})</small>}</h2>
      {clients.length === 0 ? <p class="empty">No client is connected.</p> : (
        <div class="table-wrap">
          <table data-testid="realtime-clients">
            <thead>
              <tr><th scope="col">Client</th><th scope="col">Transport</th><th scope="col">Identity</th><th scope="col">IP</th><th scope="col">Connected for</th><th scope="col">Buffer</th><th scope="col">Subscriptions</th></tr>
            </thead>
            <tbody>
              {clients.slice(0, SHOWN_CLIENTS).map((c) => (
                <tr key={c.id}>
                  <td class="mono">{c.id}{stats && stats.nodes.length > 1 && <small class="hint"> on {c.node}</small>}</td>
                  <td>{c.transport ?? "sse"}</td>
                  <td>{c.auth ? <>{c.auth.email ?? c.auth.id} <small class="hint">{c.auth.collectionName}{c.auth.email ? ` / ${c.auth.id}` : ""}</small></> : "guest"}</td>
                  <td class="mono">{c.ip ?? ""}</td>
                  <td title={c.connectedAt}>{since(c.connectedAt)}</td>
                  <td>{c.bufferBytes ? `${formatNumber(((c.queuedBytes ?? 0) / c.bufferBytes) * 100)}%` : ""}</td>
                  <td>
                    <ul class="topics">
                      {(c.topics ?? []).map((t, i) => <li key={i}><code>{t.topic}</code> {optionsText(t.options) && <small class="hint">{optionsText(t.options)}</small>}</li>)}
                      {(c.topics ?? []).length === 0 && <li class="hint">{c.subscriptions} subscriptions</li>}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
