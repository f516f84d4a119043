// Walks every rule's card templates (all variants, all rules in rules/) and every card its firing
// cases render, and checks the revision 2 card-text rules (CLINICAL.md §5 "Card text"):
// - source.label is the rule's label from the §5 table and at most SOURCE_LABEL_MAX_CHARS long;
// - no internal references or evidence tags in what a clinician reads (summary, detail, why — the
//   detail ends with it —, source.label, suggestion labels and action descriptions);
// - a missing value never reads "unknown" (the template layer says "none recorded");
// - a summary cannot exceed 139 characters even with realistic long values in its placeholders,
//   and no rendered summary was cut;
// - delete actions only on SAFE-02 and SUIT-06(a), per draft facet order, never on patient-view;
// - a suggested coded order is not offered when the same order is already open.

import t from 'tap'
import { runCase } from '../../src/authoring/case-runner.js'
import type { Card } from '../../src/cds/types.js'
import type { CardTemplate, HookName, RuleCase, RuleContent } from '../../src/rules/types.js'
import { bundledCatalog } from '../helper.js'

const SOURCE_LABELS: Record<string, string> = {
  'SUIT-01': 'Medicare LCD: pain and disability scales',
  'SUIT-02': 'Medicare LCD: pain and disability scales',
  'SUIT-12': 'Medicare LCD: pain and disability scales',
  'SUIT-03': 'Medicare LCD facet joint interventions',
  'SUIT-05': 'Medicare LCD facet joint interventions',
  'SUIT-04': 'Medicare LCD; Cohen 2020 / Hurley 2021 consensus',
  'SUIT-06': 'NICE NG59 and ACR 2021 red flags',
  'SUIT-07': 'Noridian facet Q&A: sessions per 12 months',
  'SUIT-08': 'Medicare LCD; ASIPP 2020 repeat intervals',
  'SUIT-09': 'Medicare LCD; ASIPP 2020 facet guideline',
  'SUIT-10': 'Medicare LCD; ASIPP 2020 facet guideline',
  'SUIT-11': 'Noridian facet Q&A; NGS sedation notice',
  'SAFE-01': 'ASRA 2018 anticoagulation guideline (pain procedures)',
  'SAFE-02': 'Medicare LCD; septic facet arthritis reports',
  'SAFE-03': 'Even 2012 Spine: glucose after spinal steroid',
  'ESC-06': 'Even 2012 Spine: glucose after spinal steroid',
  'SAFE-04': 'Facet procedure precautions (LCD; Cohen 2020)',
  'PT-01': 'NICE NG59 / AoMRC: exercise with RF denervation',
  'PT-02': 'NICE NG59 / AoMRC: exercise with RF denervation',
  'PT-03': 'Medicare Benefit Policy Manual ch.15 §220',
  'PT-04': 'APTA low back and neck pain guidelines',
  'PT-06': 'APTA low back and neck pain guidelines',
  'PT-05': 'Ostelo 2008 / Young 2009 MCID',
  'ESC-07': 'Ostelo 2008 / Young 2009 MCID',
  'ESC-01': 'NICE NG59: cauda equina red flags',
  'ESC-02': 'ACR 2021: progressive neurological deficit',
  'ESC-03': 'Orpen 2003: septic facet arthritis after injection',
  'ESC-04': 'NICE NG59 / ACR 2021: cancer and fracture red flags',
  'ESC-05': 'RF neurotomy after-care (Newcastle Pain Management)',
  'ESC-08': 'NICE NG59; BMJ 2025 rapid recommendation',
  'GOV-01': 'BMJ 2025 rapid recommendation (Busse et al.)'
}

/** Rule variants whose advice is to not proceed with the draft order: "Cancel this facet order". */
const DELETE_ALLOWED = new Set(['SAFE-02', 'SUIT-06/a'])
const CANCEL_LABEL = 'Cancel this facet order'

const INTERNAL: Array<[RegExp, string]> = [
  [/CLINICAL\.md/, 'CLINICAL.md'], [/FHIR-DATA\.md/, 'FHIR-DATA.md'], [/§/, '§'], [/\[[VSUD]\]/, 'evidence tag'],
  [/design default/i, 'design default'], [/unverified/i, 'unverified']
]
const UNKNOWN = /\bunknown\b/i
const MAX_SUMMARY = 139

const catalog = bundledCatalog()
const params = catalog.content.parameters.parameters
const LABEL_MAX = Number(params.SOURCE_LABEL_MAX_CHARS?.default)

interface VariantView { id: string, key: string, hooks: HookName[], card: CardTemplate }
const variantsOf = (rc: RuleContent): VariantView[] => (rc.rule.variants ?? [{ id: '', card: rc.rule.card as CardTemplate }])
  .map((v) => ({ id: v.id, key: v.id === '' ? rc.rule.id : `${rc.rule.id}/${v.id}`, hooks: ('hooks' in v ? v.hooks : undefined) ?? rc.rule.hooks, card: v.card }))

/** The texts a clinician reads, by where they are in the template. */
function texts (card: CardTemplate): Array<[string, string]> {
  const out: Array<[string, string]> = [['summary', card.summary], ['why', card.why]]
  if (card.detail !== undefined) out.push(['detail', card.detail])
  ;(card.suggestions ?? []).forEach((s, i) => {
    out.push([`suggestions/${i}/label`, s.label])
    ;(s.actions ?? []).forEach((a, j) => { out.push([`suggestions/${i}/actions/${j}/description`, a.description]) })
  })
  return out
}

const internalRefs = (text: string): string[] => INTERNAL.filter(([re]) => re.test(text)).map(([, name]) => name)

/**
 * A realistic long value for a placeholder: parameters at their longest value in any profile,
 * dates 10 characters, counts and measurements 4, labels at their longest, a drug list at the
 * catalogue's cap (2 names of 20 characters, then "and N more"), other text 24.
 */
function longValue (root: string, path: string[]): string {
  if (root === 'param') {
    const p = params[path[0] ?? '']
    const values = [p?.default, ...Object.values(p?.profiles ?? {})].map((v) => String(v))
    return values.reduce((a, b) => (b.length > a.length ? b : a), '')
  }
  const key = path[path.length - 1] ?? ''
  if (/date|start$|end$/i.test(key)) return '2026-12-31'
  if (key === 'regionLabel') return 'cervical/thoracic'
  if (key === 'typeLabel') return 'therapeutic'
  if (key === 'drugs') return `${'x'.repeat(20)}, ${'y'.repeat(20)} and 9 more`
  if (/days|weeks|visits|count|value|pct|pre$|post$|glucose|age|latest|max|min|reduction|score|n$/i.test(key)) return '9999'
  return 'z'.repeat(24)
}

const longSummary = (summary: string): string =>
  summary.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+)*)\s*\}\}/g, (_m, root: string, p: string) => longValue(root, p.split('.').filter(Boolean)))

await t.test('the label table covers the 31 rules of the catalog', async (t) => {
  t.same(catalog.content.rules.map((rc) => rc.rule.id).sort(), Object.keys(SOURCE_LABELS).sort())
  t.equal(LABEL_MAX, 80, 'SOURCE_LABEL_MAX_CHARS = 80')
})

for (const rc of catalog.content.rules) {
  await t.test(`${rc.rule.id}: card templates`, async (t) => {
    const label = rc.rule.source.label
    t.equal(label, SOURCE_LABELS[rc.rule.id], 'source.label from the §5 label table')
    t.ok([...label].length <= LABEL_MAX, `source.label ≤ ${LABEL_MAX} characters (${[...label].length})`)
    if (label !== SOURCE_LABELS[rc.rule.id]) t.same(internalRefs(label), [], 'source.label: no internal references')
    for (const v of variantsOf(rc)) {
      for (const [where, text] of texts(v.card)) {
        t.same(internalRefs(text), [], `${v.key} ${where}: no internal references or evidence tags`)
        t.notOk(UNKNOWN.test(text), `${v.key} ${where}: no "unknown" (missing values read "none recorded")`)
      }
      const long = longSummary(v.card.summary)
      t.ok(long.length <= MAX_SUMMARY, `${v.key} summary ≤ ${MAX_SUMMARY} characters with long values (${long.length}): ${long}`)
      const deletes = (v.card.suggestions ?? []).flatMap((s) => (s.actions ?? []).filter((a) => a.type === 'delete').map((a) => ({ s, a })))
      // Until SUIT-06 is split, its one (critical) card stands for variant (a).
      const allowed = DELETE_ALLOWED.has(v.key) || (v.id === '' && v.card.indicator === 'critical' && DELETE_ALLOWED.has(`${v.key}/a`))
      if (allowed) {
        t.ok(deletes.some(({ s, a }) => s.label === CANCEL_LABEL && a.forEach === 'draftFacetOrder'), `${v.key}: "${CANCEL_LABEL}" deletes the draft facet orders`)
        t.notOk(v.hooks.includes('patient-view'), `${v.key}: delete actions on order hooks only`)
      } else {
        t.same(deletes.map(({ s }) => s.label), [], `${v.key}: no delete action (only ${[...DELETE_ALLOWED].join(', ')} carry one)`)
      }
    }
  })
}

const firing = (rc: RuleContent): RuleCase[] =>
  (rc.cases?.cases ?? []).filter((c) => c.skip === undefined && c.expect.fires)

await t.test('every card the firing cases render reads well', async (t) => {
  for (const rc of catalog.content.rules) {
    for (const c of firing(rc)) {
      const result = await runCase(catalog, rc, c)
      for (const card of result.ruleCards) {
        const at = `${rc.rule.id} "${c.name}"`
        t.notOk(card.summary.length === MAX_SUMMARY && card.summary.endsWith('…'), `${at}: summary not cut (${card.summary})`)
        for (const [where, text] of [['summary', card.summary], ['detail', card.detail ?? ''], ['source.label', card.source.label]] as const) {
          if (where !== 'source.label') t.same(internalRefs(text), [], `${at} ${where}: no internal references`)
          t.notOk(UNKNOWN.test(text), `${at} ${where}: no "unknown"`)
        }
        const deletes = (card.suggestions ?? []).flatMap((s) => s.actions ?? []).filter((a) => a.type === 'delete')
        for (const a of deletes) {
          t.match(a.resourceId, /^ServiceRequest\/[^/]+$/, `${at}: delete names a ServiceRequest by resourceId`)
          t.equal(a.resource, undefined, `${at}: delete carries no resource (deprecated)`)
        }
        if (deletes.length > 0) t.not(c.hook ?? rc.rule.hooks[0], 'patient-view', `${at}: no delete on patient-view`)
      }
    }
  }
})

interface Coding { system?: string, code?: string }
const createdCodings = (card: Card): Coding[] => (card.suggestions ?? []).flatMap((s) => s.actions ?? [])
  .filter((a) => a.type === 'create' && a.resource?.resourceType === 'ServiceRequest')
  .flatMap((a) => ((a.resource?.code as { coding?: Coding[] } | undefined)?.coding ?? []))
  .filter((c) => c.system !== undefined && c.code !== undefined)

/**
 * "No suggestion duplicates an open order", checkable for every rule: each firing case that
 * suggests a coded ServiceRequest is run again with the same order already open (active on the
 * record; on order hooks also among the draft orders being placed). The rule may still fire, but
 * its card must not offer that order again. Text-only orders (a "referral back to the treating
 * clinician") cannot be recognised on a record and are not checked.
 */
await t.test('a suggested order is not offered when the same order is open', async (t) => {
  for (const rc of catalog.content.rules) {
    for (const c of firing(rc)) {
      if (c.resources === undefined) continue
      const first = await runCase(catalog, rc, c)
      const codings = first.ruleCards.flatMap(createdCodings)
      if (codings.length === 0) continue
      const hook = c.hook ?? rc.rule.hooks[0]
      const statuses = hook === 'patient-view' ? ['active'] : ['active', 'draft']
      for (const status of statuses) {
        const open = { resourceType: 'ServiceRequest', id: `open-${status}`, status, intent: 'order', code: { coding: codings.slice(0, 1) }, authoredOn: '{{now-2d}}' }
        const again = await runCase(catalog, rc, { ...c, resources: [...c.resources, open], expect: { fires: false } })
        const offered = again.ruleCards.flatMap(createdCodings)
          .filter((x) => codings.some((y) => y.system === x.system && y.code === x.code))
        t.same(offered, [], `${rc.rule.id} "${c.name}": with a ${status} ${codings[0]?.code ?? ''} order open, the same order is not suggested again`)
      }
    }
  }
})
