// Generates docs/data-requirements.md from the catalog: per service the prefetch templates and
// the resources, value sets and parameters its rules read; the facts; every value set's codes.
// A test keeps the committed file equal to this output (`facet-pt-cds rules doc` rewrites it).

import { evaluationTime } from '../fhir/dates.js'
import { EvaluationRecord } from '../fhir/record.js'
import type { ValueSet } from '../fhir/valueset.js'
import { leaves } from '../rules/catalog-check.js'
import type { Catalog, CompiledRule } from '../rules/compiled.js'
import { type FactCall, isLetLeaf } from '../rules/types.js'

const SYSTEMS: Record<string, string> = {
  'http://www.ama-assn.org/go/cpt': 'CPT',
  'http://snomed.info/sct': 'SNOMED CT',
  'http://loinc.org': 'LOINC',
  'http://hl7.org/fhir/sid/icd-10-cm': 'ICD-10-CM',
  'http://www.nlm.nih.gov/research/umls/rxnorm': 'RxNorm',
  'http://unitsofmeasure.org': 'UCUM'
}

/** Fields each resource type is read by (code member: record index; date member: clinicalDate()). */
const FIELDS: Array<[string, string, string]> = [
  ['Patient', '`birthDate`, `gender`', '—'],
  ['ServiceRequest', '`code`, `status` (draft = being ordered), `category` (procedure intent)', '`occurrenceDateTime` → `occurrencePeriod.start` → `authoredOn`'],
  ['Procedure', '`code`, `status` (completed)', '`performedDateTime` → `performedPeriod.start`'],
  ['Observation', '`code`, `status` (final/amended/corrected), `value[x]` with UCUM unit', '`effectiveDateTime` → `effectivePeriod.start` → `effectiveInstant` → `issued`'],
  ['Condition', '`code`, `clinicalStatus`, `verificationStatus`', '`onsetDateTime` → `onsetPeriod.start` → `recordedDate`'],
  ['MedicationRequest', '`medicationCodeableConcept` or `medicationReference` (→ Medication.code / ingredient, contained `#id` too), `status`', '`authoredOn`'],
  ['MedicationStatement', '`medicationCodeableConcept` or `medicationReference`, `status`', '`effectiveDateTime` → `effectivePeriod.start` → `dateAsserted`'],
  ['Appointment', '`serviceType`, `status`, `participant.actor` (the patient)', '`start` → `created`'],
  ['CarePlan', '`category`, `activity`, `status`', '`created` → `period.start`'],
  ['Encounter', '`type`', '`period.start`']
]

function valueSetsOfFact (catalog: Catalog, call: FactCall, profile: string): string[] {
  const ids = new Set<string>()
  const def = catalog.profiles.get(profile)?.facts.get(call.fact)
  for (const key of def?.valueSetParams ?? []) if (typeof call.params?.[key] === 'string') ids.add(call.params[key] as string)
  const fhirpath = catalog.content.facts.facts[call.fact]
  if (fhirpath?.valueset !== undefined) ids.add(fhirpath.valueset)
  // Value sets a fact uses internally: observed by running it once on an empty record.
  if (def !== undefined) {
    const record = new EvaluationRecord({ patientId: 'p', resources: [], draftOrders: [], selections: [], unavailableTypes: new Set(), time: evaluationTime(new Date(0)) })
    const valueSet = (id: string): ValueSet => { ids.add(id); return catalog.valueSets.get(id) as ValueSet }
    const parameters = catalog.profiles.get(profile)?.parameters ?? {}
    try {
      def.compute({ record, order: undefined, valueSet, parameters }, call.params ?? {})
    } catch { /* params need a record; explicit ones are listed above */ }
  }
  return [...ids].filter((id) => catalog.valueSets.has(id))
}

function ruleNeeds (catalog: Catalog, r: CompiledRule, profile: string): { reads: string[], valueSets: string[] } {
  const calls: FactCall[] = [...r.lets.values()]
  // Compiled conditions: let leaves are already expanded to their calls.
  for (const v of r.variants) leaves(v.conditions, (leaf) => { if (!isLetLeaf(leaf)) calls.push(leaf) })
  return {
    reads: [...new Set(r.variants.flatMap((v) => [...v.reads]))].sort(),
    valueSets: [...new Set(calls.flatMap((c) => valueSetsOfFact(catalog, c, profile)))].sort()
  }
}

export function dataRequirements (catalog: Catalog): string {
  const profile = catalog.profiles.get(catalog.defaultProfile)
  if (profile === undefined) throw new Error('default profile is not compiled')
  const out: string[] = [
    '# Data requirements',
    '',
    '<!-- Generated from rules/ by `npx tsx src/cli/main.ts rules doc > docs/data-requirements.md`; test/data-requirements.test.ts keeps it true. -->',
    '',
    'What each CDS service reads from the EHR: the prefetch templates it asks for, the resource types,',
    'fields and codes its rules use. Codes are matched on `system` + `code` (never display text); a',
    'resource about another patient is ignored. Missing data is not read as "criteria not met": a',
    'prefetch key answered with an OperationOutcome makes the rules that need it *data-unavailable*.',
    '',
    '## Code systems',
    '',
    '| system | URI |',
    '|---|---|',
    ...Object.entries(SYSTEMS).map(([uri, name]) => `| ${name} | \`${uri}\` |`),
    '| procedure intent (ours) | `urn:facet-pt-cds:procedure-intent` (`diagnostic`, `therapeutic`) |',
    '',
    '## Fields read per resource type',
    '',
    '| resource | members read | clinical date (first present) |',
    '|---|---|---|',
    ...FIELDS.map(([t, m, d]) => `| ${t} | ${m} | ${d} |`),
    ''
  ]
  for (const s of catalog.services.values()) {
    out.push(`## Service \`${s.id}\` (${s.hook})`, '', s.description, '')
    if (s.usageRequirements !== undefined) out.push(`**Usage:** ${s.usageRequirements}`, '')
    out.push('| prefetch key | template | supplies | required |', '|---|---|---|---|')
    for (const [key, p] of Object.entries(s.prefetch)) out.push(`| \`${key}\` | \`${p.template.replace(/\|/g, '\\|')}\` | ${p.covers.join(', ')} | ${p.required ? 'yes (412 when absent and not fetchable)' : 'no'} |`)
    if (s.hook !== 'patient-view') out.push('', 'Orders being placed: draft `ServiceRequest`s in `context.draftOrders` (selected by `context.selections` on order-select); facet orders are coded from value set `facet-procedures`, PT orders from `pt-referral`, `pt-evaluation`, `pt-treatment`. Order rules run only when such an order is present.')
    out.push('', '| rule | title | reads | value sets | parameters |', '|---|---|---|---|---|')
    for (const r of profile.rules.filter((x) => x.rule.hooks.includes(s.hook))) {
      const needs = ruleNeeds(catalog, r, profile.name)
      out.push(`| ${r.rule.id}${r.rule.enabled === false ? ' (off)' : ''} | ${r.rule.title} | ${needs.reads.join(', ') || '—'} | ${needs.valueSets.join(', ') || '—'} | ${r.rule.parameters.join(', ') || '—'} |`)
    }
    out.push('')
  }
  out.push('## Facts', '', '| fact | reads | value | description |', '|---|---|---|---|')
  for (const f of [...profile.facts.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    out.push(`| \`${f.name}\` | ${f.reads.join(', ') || '—'} | ${f.returns.replace(/\|/g, '\\|')} | ${f.description.replace(/\|/g, '\\|')} |`)
  }
  out.push('', '## Value sets', '')
  for (const vs of [...catalog.content.valueSets].sort((a, b) => a.id.localeCompare(b.id))) {
    const bySystem = new Map<string, string[]>()
    for (const c of vs.concepts) bySystem.set(c.system, [...(bySystem.get(c.system) ?? []), `${c.code}${c.display === undefined ? '' : ` ${c.display}`}`])
    for (const p of (vs as { prefixes?: Array<{ system: string, prefix: string, display?: string }> }).prefixes ?? []) bySystem.set(p.system, [...(bySystem.get(p.system) ?? []), `${p.prefix}* ${p.display ?? ''}`.trim()])
    out.push(`### \`${vs.id}\` — ${vs.title}`, '')
    for (const [system, codes] of bySystem) out.push(`- ${SYSTEMS[system] ?? system}: ${codes.join('; ')}`)
    out.push('')
  }
  return out.join('\n')
}
