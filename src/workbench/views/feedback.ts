// The Feedback tab: per rule the cards shown, accepted, overridden, override rate and top override reasons
// (GET /feedback/summary), and the override rate over time per rule version (GET /feedback/timeseries) as a
// chart with a table alternative.
import '../feedback.css'
import type uPlot from 'uplot'
import { ApiError, api } from '../api.js'
import { fill, h, message } from '../dom.js'
import { type TimeSeriesResponse, overrideRateChart, percent, timeSeriesTable } from '../feedback-chart.js'
import type { View } from '../view.js'

interface SummaryRule {
  rule: string
  versions: string[]
  shown: number
  accepted: number
  overridden: number
  overrideRate: number | null
  topOverrideReasons: Array<{ system?: string | null, code: string | null, count: number }>
  events?: { accepted: number, overridden: number }
}
interface Summary { since: string | null, service: string | null, rules: SummaryRule[], unknownCardFeedback: number }

const PERIODS: Array<[string, string]> = [['7d', 'Last 7 days'], ['30d', 'Last 30 days'], ['90d', 'Last 90 days']]
let chart: uPlot | undefined

function sinceInstant (period: string): string {
  const days = Number(period.replace(/d$/, ''))
  return new Date(Date.now() - days * 86_400_000).toISOString()
}

function reasons (list: SummaryRule['topOverrideReasons']): string {
  if (list.length === 0) return '—'
  return list.map((r) => `${r.code ?? '(no reason given)'} × ${r.count}`).join(', ')
}

function summaryTable (summary: Summary): HTMLElement {
  if (summary.rules.length === 0) return message('info', 'No card has been shown in this period.')
  return h('table', { class: 'feedback-summary' },
    h('caption', {}, 'Cards and feedback per rule (cards counted once each)'),
    h('thead', {}, h('tr', {}, ...['Rule', 'Versions', 'Shown', 'Accepted', 'Overridden', 'Override rate', 'Top override reasons']
      .map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...summary.rules.map((r) => h('tr', { 'data-rule': r.rule },
      h('th', { scope: 'row' }, r.rule), h('td', {}, r.versions.join(', ')), h('td', {}, String(r.shown)),
      h('td', {}, String(r.accepted)), h('td', {}, String(r.overridden)), h('td', {}, percent(r.overrideRate)),
      h('td', {}, reasons(r.topOverrideReasons))))))
}

function perVersionReasons (data: TimeSeriesResponse): HTMLElement {
  return h('table', { class: 'feedback-versions' },
    h('caption', {}, 'Per rule version: totals and top override reasons in the period'),
    h('thead', {}, h('tr', {}, ...['Rule', 'Version', 'Shown', 'Accepted', 'Overridden', 'Top override reasons']
      .map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...data.series.map((s) => {
      const sum = (k: 'shown' | 'accepted' | 'overridden'): string => String(s.points.reduce((n, p) => n + p[k], 0))
      return h('tr', {}, h('th', { scope: 'row' }, s.rule), h('td', {}, s.version), h('td', {}, sum('shown')),
        h('td', {}, sum('accepted')), h('td', {}, sum('overridden')),
        h('td', {}, s.topOverrideReasons.length === 0
          ? '—'
          : s.topOverrideReasons.map((r) => `${r.display ?? r.code ?? '(no reason given)'} × ${r.count}`).join(', ')))
    })))
}

async function showTimeSeries (box: HTMLElement, period: string, rule: string): Promise<void> {
  chart?.destroy()
  chart = undefined
  let data: TimeSeriesResponse
  try {
    data = await api<TimeSeriesResponse>('/feedback/timeseries', { query: { since: period, bucket: 'day', rule } })
  } catch (e) {
    const text = e instanceof ApiError && e.status === 404
      ? 'The override-rate time series is not available from this service version (GET /feedback/timeseries answered 404).'
      : `The override-rate time series could not be loaded: ${e instanceof Error ? e.message : String(e)}`
    fill(box, message('error', text))
    return
  }
  const plot = h('figure', { class: 'chart', 'aria-label': 'Override rate over time chart; the table below holds the same data' })
  fill(box, plot, h('h4', {}, 'Chart data'), timeSeriesTable(data), perVersionReasons(data))
  if (data.series.length > 0) chart = overrideRateChart(plot, data)
  else fill(plot, message('info', 'No card shown in this period.'))
}

async function mount (root: HTMLElement): Promise<void> {
  const period = h('select', { id: 'fb-period' }, ...PERIODS.map(([v, l]) => h('option', { value: v, selected: v === '30d' }, l)))
  const rule = h('select', { id: 'fb-rule' }, h('option', { value: '' }, 'All rules'))
  const refresh = h('button', { type: 'submit' }, 'Refresh')
  const summaryBox = h('div', { class: 'feedback-box' })
  const seriesBox = h('div', { class: 'feedback-box' })
  const form = h('form', { class: 'fb-controls', 'aria-label': 'Feedback filters' },
    h('div', { class: 'field' }, h('label', { for: 'fb-period' }, 'Period'), period),
    h('div', { class: 'field' }, h('label', { for: 'fb-rule' }, 'Rule (chart)'), rule), refresh)
  fill(root, h('h2', {}, 'Feedback'), form,
    h('section', { 'aria-labelledby': 'fb-summary-h' }, h('h3', { id: 'fb-summary-h' }, 'Per rule'), summaryBox),
    h('section', { 'aria-labelledby': 'fb-series-h' }, h('h3', { id: 'fb-series-h' }, 'Override rate over time'), seriesBox))

  const load = async (): Promise<void> => {
    fill(summaryBox, message('info', 'Loading…'))
    try {
      const summary = await api<Summary>('/feedback/summary', { query: { since: sinceInstant(period.value) } })
      fill(summaryBox, summaryTable(summary),
        summary.unknownCardFeedback > 0 ? h('p', { class: 'muted small' }, `${summary.unknownCardFeedback} feedback entries about unknown cards.`) : null)
      const chosen = rule.value
      fill(rule, h('option', { value: '' }, 'All rules'),
        ...summary.rules.map((r) => h('option', { value: r.rule, selected: r.rule === chosen }, r.rule)))
    } catch (e) {
      fill(summaryBox, message('error', e instanceof Error ? e.message : String(e)))
    }
    await showTimeSeries(seriesBox, period.value, rule.value)
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load().catch(() => undefined) })
  await load()
}

export const feedbackView: View = { id: 'feedback', title: 'Feedback', mount }
