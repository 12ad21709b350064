/**
 * @module
 * The bridge's counters and their Prometheus text exposition.
 */

/** Counters of one bridge process. */
export class BridgeMetrics {
  readonly eventsIn = new Map<string, number>()
  readonly emitted = new Map<string, number>()
  duplicatesDropped = 0
  handlerFailures = 0
  reconnects = 0
  connectedSockets = 0
  sourceConnected = false

  count(map: Map<string, number>, label: string): void {
    map.set(label, (map.get(label) ?? 0) + 1)
  }

  /** Prometheus text format (version 0.0.4). */
  render(): string {
    const lines: string[] = []
    const family = (name: string, type: string, help: string, samples: Array<[labels: string, value: number]>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`)
    }
    const labelled = (key: string, map: Map<string, number>) => [...map].map(([label, value]): [string, number] => [`{${key}="${escapeLabel(label)}"}`, value])
    family("bridge_events_in_total", "counter", "Record events received from the source, by collection.", labelled("collection", this.eventsIn))
    family("bridge_events_emitted_total", "counter", "Events emitted to rooms, by event name.", labelled("event", this.emitted))
    family("bridge_duplicates_dropped_total", "counter", "Events dropped as duplicates of (id, updated, action).", [["", this.duplicatesDropped]])
    family("bridge_handler_failures_total", "counter", "Events or socket requests whose handling failed.", [["", this.handlerFailures]])
    family("bridge_source_reconnects_total", "counter", "Reconnections to the source after a lost subscription.", [["", this.reconnects]])
    family("bridge_connected_sockets", "gauge", "Socket.IO clients connected to this bridge.", [["", this.connectedSockets]])
    family("bridge_source_connected", "gauge", "1 while the source subscription is live.", [["", this.sourceConnected ? 1 : 0]])
    return `${lines.join("\n")}\n`
  }
}

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")
}
