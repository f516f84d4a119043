// The override rate over time as a uPlot line chart (one line per rule version), with a table beside it as
// the accessible alternative. uPlot styles its elements through the CSSOM, which the page's CSP allows.
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { h } from './dom.js'

export interface TimePoint {
  start: string
  shown: number
  accepted: number
  overridden: number
  overrideRate: number | null
}
export interface TimeSeries {
  rule: string
  version: string
  points: TimePoint[]
  topOverrideReasons: Array<{ code: string | null, display?: string, count: number }>
}
export interface TimeSeriesResponse { bucket: string, since: string, series: TimeSeries[] }

const COLOURS = ['#0b5cad', '#b00020', '#1a7f37', '#8a5a00', '#6f42c1', '#00798c', '#b3368b', '#4a5560']

/** A bucket start (seconds) as its UTC date. */
function dayLabel (seconds: number): string { return new Date(seconds * 1000).toISOString().slice(0, 10) }

function percent (r: number | null): string { return r === null ? '—' : `${Math.round(r * 1000) / 10} %` }

/** The buckets' start instants (seconds) shared by every series, sorted. */
function xs (series: readonly TimeSeries[]): number[] {
  const all = new Set<number>()
  for (const s of series) for (const p of s.points) all.add(Date.parse(p.start) / 1000)
  return [...all].sort((a, b) => a - b)
}

/** Draws the chart into `box` (width from the box); returns the uPlot instance so the caller can destroy it. */
export function overrideRateChart (box: HTMLElement, data: TimeSeriesResponse): uPlot {
  const x = xs(data.series)
  const ys = data.series.map((s) => {
    const at = new Map(s.points.map((p) =>
      [Date.parse(p.start) / 1000, p.overrideRate === null ? null : p.overrideRate * 100]))
    return x.map((t) => at.get(t) ?? null)
  })
  const opts: uPlot.Options = {
    title: 'Override rate over time (%)',
    width: Math.max(480, Math.min(box.clientWidth, 1100)),
    height: 300,
    scales: { y: { range: [0, 100] } },
    axes: [{ incrs: [86_400, 7 * 86_400, 30 * 86_400], values: (_u, ticks) => ticks.map(dayLabel) }, { label: '% overridden', values: (_u, ticks) => ticks.map((v) => `${v}`) }],
    series: [
      { label: 'Bucket start' },
      ...data.series.map((s, i) => ({
        label: `${s.rule} v${s.version}`,
        stroke: COLOURS[i % COLOURS.length] ?? '#0b5cad',
        width: 2,
        spanGaps: true,
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${v.toFixed(1)} %`)
      }))
    ]
  }
  // eslint-disable-next-line new-cap -- uPlot's constructor is named in lower case by the library
  return new uPlot(opts, [x, ...ys] as uPlot.AlignedData, box)
}

/** The same data as a table: one row per rule version and bucket with feedback. */
export function timeSeriesTable (data: TimeSeriesResponse): HTMLElement {
  const rows: HTMLElement[] = []
  for (const s of data.series) {
    for (const p of s.points) {
      if (p.shown === 0 && p.accepted === 0 && p.overridden === 0) continue
      rows.push(h('tr', {}, h('td', {}, s.rule), h('td', {}, s.version), h('td', {}, p.start.slice(0, 10)),
        h('td', {}, String(p.shown)), h('td', {}, String(p.accepted)), h('td', {}, String(p.overridden)),
        h('td', {}, percent(p.overrideRate))))
    }
  }
  return h('table', { class: 'timeseries' },
    h('caption', {}, `Override rate per ${data.bucket} (table of the chart)`),
    h('thead', {}, h('tr', {}, ...['Rule', 'Version', 'Bucket', 'Shown', 'Accepted', 'Overridden', 'Override rate']
      .map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...(rows.length > 0 ? rows : [h('tr', {}, h('td', { colspan: '7' }, 'No feedback in this period.'))])))
}

export { percent }
