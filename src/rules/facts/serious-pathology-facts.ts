// ESC-04 (serious-pathology suspicion; revision 2/2b): spine pain and whether it is new or worse,
// weight loss, cancer history by group, long-term systemic steroids, and spine imaging dated after
// the pain became new/worse (the stand-down). Readings are in spine-pain.ts.

import { activeConditions, isActiveMedication, medications, names } from './clinical.js'
import { isLocalRoute } from './medication-records.js'
import { type FactDefinition, POSITIVE, num, shape } from './fact.js'
import { cancerHistory, dateOf, spineImaging, spinePain, weightLoss } from './spine-pain.js'

const SPINE_PARAMS = { newWithinDays: POSITIVE, worsenPoints: POSITIVE }

export const spinePainFact: FactDefinition = {
  name: 'spinePain',
  description: 'Spine pain on record: an active pain-diagnoses Condition, or a facet/PT order being placed in this call. newOrWorse = such a Condition with onset (recordedDate only when it has no onset) within newWithinDays of now, or the latest pain score dated within newWithinDays of now ≥ an earlier score within those days + worsenPoints. Post-procedure readings (partOf → a facet Procedure, taken after it; date-only procedure: all linked readings but the earliest of that day) are ignored. worseningDate = the latest such onset or the date of that latest score.',
  reads: ['Condition', 'Observation', 'Procedure'],
  params: { type: 'object', required: ['newWithinDays', 'worsenPoints'], additionalProperties: false, properties: SPINE_PARAMS },
  returns: '{ found, source, newOrWorse, worseningDate, why }',
  returnsSchema: shape({
    found: 'boolean', source: 'string', newOrWorse: 'boolean', worseningDate: 'string?', why: 'string?'
  }),
  compute: (ctx, params) => {
    const p = spinePain(ctx, num(params, 'newWithinDays'), num(params, 'worsenPoints'))
    if (!p.found) return { found: false }
    return {
      found: true,
      source: p.source,
      newOrWorse: p.newOrWorse === true,
      worseningDate: dateOf(p.worseningDay),
      why: p.why ?? null
    }
  }
}

export const weightLossFact: FactDefinition = {
  name: 'weightLoss',
  description: 'Weight loss over the last withinDays: the highest body weight (value set body-weight; kg, g, [lb_av] and other UCUM mass units) in the window before the latest weight, against the latest weight, in % of the highest. Unknown units are skipped. found = at least two readable weights in the window.',
  reads: ['Observation'],
  params: { type: 'object', required: ['withinDays'], additionalProperties: false, properties: { withinDays: POSITIVE } },
  returns: '{ found, lossPct, fromKg, fromDate, toKg, toDate }',
  returnsSchema: shape({
    found: 'boolean', lossPct: 'number', fromKg: 'number', fromDate: 'string', toKg: 'number', toDate: 'string'
  }),
  compute: ({ record, valueSet }, params) => {
    const w = weightLoss(record, valueSet('body-weight'), num(params, 'withinDays'))
    if (w === undefined) return { found: false }
    return {
      found: true,
      lossPct: w.lossPct,
      fromKg: w.fromKg,
      fromDate: dateOf(w.fromDay),
      toKg: w.toKg,
      toDate: dateOf(w.toDay)
    }
  }
}

export const cancerHistoryFact: FactDefinition = {
  name: 'cancerHistory',
  description: 'Active cancer or cancer-history Conditions (value set malignancy, properties.group): bone-tropic = cancers that commonly spread to bone (breast, prostate, lung, kidney, thyroid, myeloma, bone metastasis, vertebral primary; active or Z85 history); other = any other malignant neoplasm or Z85.x history; excluded (never counts) = non-melanoma skin cancer (Z85.828, C44.x). onsetDate = the latest onset among the counted ones.',
  reads: ['Condition'],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, boneTropic, other, boneTropicNames, otherNames, names, onsetDate }',
  returnsSchema: shape({
    found: 'boolean',
    boneTropic: 'boolean',
    other: 'boolean',
    boneTropicNames: 'string?',
    otherNames: 'string?',
    names: 'string?',
    onsetDate: 'string?'
  }),
  compute: (ctx) => {
    const c = cancerHistory(ctx)
    const all = [...c.boneTropic, ...c.other]
    return {
      found: all.length > 0,
      boneTropic: c.boneTropic.length > 0,
      other: c.other.length > 0,
      boneTropicNames: c.boneTropic.length === 0 ? null : c.boneTropic.join(', '),
      otherNames: c.other.length === 0 ? null : c.other.join(', '),
      names: all.length === 0 ? null : all.join(', '),
      onsetDate: dateOf(c.latestOnsetDay)
    }
  }
}

export const longTermSteroidsFact: FactDefinition = {
  name: 'longTermSteroids',
  description: 'Long-term systemic steroids (ESC-04(b), revision 2b): an active Z79.52 Condition (value set long-term-steroids), or an active MedicationRequest for a systemic corticosteroid (value set systemic-corticosteroids, medication match) whose route is not topical, ophthalmic, otic, inhaled or nasal. Injectate recorded on a procedure or order is not a prescription and is not read.',
  reads: ['Condition', 'MedicationRequest'],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, basis, names }',
  returnsSchema: shape({ found: 'boolean', basis: 'string', names: 'string' }),
  compute: (ctx) => {
    const conds = activeConditions(ctx.record, ctx.valueSet('long-term-steroids'))
    const meds = medications(ctx.record, ctx.valueSet('systemic-corticosteroids'))
      .filter((m) => m.resource.resourceType === 'MedicationRequest' && isActiveMedication(m.resource) && !isLocalRoute(m))
    const all = [...conds, ...meds]
    if (all.length === 0) return { found: false }
    return { found: true, basis: conds.length > 0 ? 'diagnosis' : 'prescription', names: names(all).join(', ') }
  }
}

const ADVANCED = new Set(['mri', 'ct', 'nuclear'])

export const spineImagingSinceFact: FactDefinition = {
  name: 'spineImagingSince',
  description: 'ESC-04 stand-down: spine imaging (value set spine-imaging: a completed Procedure, a final DiagnosticReport or an available ImagingStudy) dated on or after a reference day. Reference = the later of the spine-pain worsening date (when the pain is new or worse; see spinePain) and, with withCancer, the onset of the latest counted cancer Condition, an abnormal-weight-loss Condition or — with weightLossDays — the latest body weight; no reference → found false (nothing to stand down on). modality any = every spine-imaging record (plain radiographs included); advanced = MRI, CT or nuclear imaging only.',
  reads: ['Condition', 'Observation', 'Procedure', 'DiagnosticReport', 'ImagingStudy'],
  params: {
    type: 'object',
    required: ['newWithinDays', 'worsenPoints', 'modality'],
    additionalProperties: false,
    properties: { ...SPINE_PARAMS, modality: { enum: ['any', 'advanced'] }, withCancer: { type: 'boolean' }, weightLossDays: POSITIVE }
  },
  returns: '{ found, date, name, modality, reference }',
  returnsSchema: shape({
    found: 'boolean', date: 'string?', name: 'string?', modality: 'string?', reference: 'string?'
  }),
  compute: (ctx, params) => {
    const pain = spinePain(ctx, num(params, 'newWithinDays'), num(params, 'worsenPoints'))
    const days: number[] = []
    if (pain.newOrWorse === true && pain.worseningDay !== undefined) days.push(pain.worseningDay)
    if (params.withCancer === true) {
      const c = cancerHistory(ctx).latestOnsetDay
      if (c !== undefined) days.push(c)
      for (const w of activeConditions(ctx.record, ctx.valueSet('weight-loss'))) if (w.day !== undefined) days.push(w.day)
      if (typeof params.weightLossDays === 'number') {
        const w = weightLoss(ctx.record, ctx.valueSet('body-weight'), params.weightLossDays)
        if (w !== undefined) days.push(w.toDay)
      }
    }
    if (days.length === 0) return { found: false, reference: null }
    const reference = Math.max(...days)
    const advanced = params.modality === 'advanced'
    const hit = spineImaging(ctx.record, ctx.valueSet('spine-imaging'))
      .find((i) => i.day >= reference && (!advanced || ADVANCED.has(i.modality)))
    return {
      found: hit !== undefined,
      date: dateOf(hit?.day),
      name: hit?.name ?? null,
      modality: hit?.modality ?? null,
      reference: dateOf(reference)
    }
  }
}
