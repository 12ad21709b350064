/**
 * @module
 * A small SVG line chart: one line per series over shared x positions, a y scale from zero to
 * the largest value, a legend, and a text summary for screen readers.
 */

/** One named line. */
export interface Series {
  name: string
  values: number[]
}

const COLORS = ["#2563eb", "#db2777", "#16a34a", "#ea580c", "#7c3aed", "#0891b2", "#ca8a04", "#dc2626"]
const WIDTH = 600
const HEIGHT = 160
const PAD = 28

/** Draws `series` (equal lengths; the last value is the newest). */
export function LineChart({ title, series, unit, from, to }: { title: string; series: Series[]; unit: string; from?: string; to?: string }) {
  const length = Math.max(2, ...series.map((s) => s.values.length))
  const top = Math.max(1, ...series.flatMap((s) => s.values))
  const x = (i: number) => PAD + (i * (WIDTH - PAD * 2)) / (length - 1)
  const y = (v: number) => HEIGHT - PAD + 4 - (v / top) * (HEIGHT - PAD * 2)
  const latest = series.map((s) => `${s.name}: ${formatNumber(s.values.at(-1) ?? 0)} ${unit}`).join(", ")
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${title}. Latest: ${latest || "no data"}`}>
        <line x1={PAD} y1={y(0)} x2={WIDTH - PAD} y2={y(0)} class="axis" />
        <line x1={PAD} y1={y(top)} x2={WIDTH - PAD} y2={y(top)} class="grid-line" />
        <text x={PAD - 4} y={y(top) + 4} class="tick" text-anchor="end">{formatNumber(top)}</text>
        <text x={PAD - 4} y={y(0) + 4} class="tick" text-anchor="end">0</text>
        {from && <text x={PAD} y={HEIGHT - 4} class="x-label">{from}</text>}
        {to && <text x={WIDTH - PAD} y={HEIGHT - 4} class="x-label" text-anchor="end">{to}</text>}
        {series.map((s, index) => (
          <g key={s.name} stroke={COLORS[index % COLORS.length]} fill={COLORS[index % COLORS.length]}>
            <polyline fill="none" stroke-width="2" points={s.values.map((v, i) => `${x(i + length - s.values.length)},${y(v)}`).join(" ")} />
            {/* The newest point gets a dot, so a single value still shows. */}
            {s.values.length > 0 && <circle r="3" cx={x(length - 1)} cy={y(s.values.at(-1)!)} />}
          </g>
        ))}
      </svg>
      <figcaption>
        <strong>{title}</strong>
        <ul class="legend">
          {series.map((s, index) => (
            <li key={s.name}><span class="swatch" style={{ background: COLORS[index % COLORS.length] }} />{s.name} <small>{formatNumber(s.values.at(-1) ?? 0)} {unit}</small></li>
          ))}
          {series.length === 0 && <li>No data yet.</li>}
        </ul>
      </figcaption>
    </figure>
  )
}

/** Short number text: 2 decimals below 10, whole numbers above. */
export const formatNumber = (value: number): string => (value < 10 && !Number.isInteger(value) ? value.toFixed(2) : Math.round(value).toString())
