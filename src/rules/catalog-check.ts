// Cross-file checks of the clinical content: ids, parameters, facts and their params, value
// sets, template placeholders, FHIRPath restrictions and the presence of rule cases.

import type { CatalogProblem } from './catalog-problems.js'
import { checkConditionTypes, didYouMean } from './condition-types.js'
import { FACT_LIBRARY } from './facts/index.js'
import { FORBIDDEN_FHIRPATH, compileExpression, fhirPathReturns } from './fhirpath-facts.js'
import { DRAFT_ORDER_FIELDS, DRAFT_ORDER_ROOT, templateRefs } from './template.js'
import { paramsValidator } from './validators.js'
import type { CatalogContent, ConditionNode, FactCall, HookName, RuleContent, VariantFile } from './types.js'

/**
 * Per-order actions act on draft orders, so they may only appear on a variant that runs on order
 * hooks alone, and {{draftOrder.…}} may only name a known member inside such an action.
 */
type Located = Array<[pointer: string, message: string]>

function checkPerOrderActions (v: Pick<VariantFile, 'card'> & { hooks?: HookName[] }, vp: string, ruleHooks: HookName[]): Located {
  const out: Located = []
  const hooks = v.hooks ?? ruleHooks
  ;(v.card.suggestions ?? []).forEach((s, i) => (s.actions ?? []).forEach((a, j) => {
    const pointer = `${vp}/card/suggestions/${i}/actions/${j}`
    const refs = templateRefs(a).filter((r) => r.root === DRAFT_ORDER_ROOT)
    if (a.forEach === undefined) {
      if (refs.length > 0) out.push([pointer, `{{${DRAFT_ORDER_ROOT}.…}} is only available in an action with "forEach"`])
      return
    }
    if (hooks.includes('patient-view')) {
      out.push([`${pointer}/forEach`, 'a per-order action needs order hooks only: this variant also runs on patient-view'])
    }
    for (const r of refs) {
      if (r.path.length === 1 && DRAFT_ORDER_FIELDS.includes(r.path[0] ?? '')) continue
      const fields = DRAFT_ORDER_FIELDS.map((f) => `${DRAFT_ORDER_ROOT}.${f}`).join(', ')
      out.push([pointer, `{{${[r.root, ...r.path].join('.')}}}: use one of ${fields}`])
    }
  }))
  return out
}

/** Calls every leaf condition of a tree. */
export function leaves (node: ConditionNode, visit: (leaf: Extract<ConditionNode, { fact: string }>, pointer: string) => void, pointer = ''): void {
  if ('all' in node) node.all.forEach((c, i) => leaves(c, visit, `${pointer}/all/${i}`))
  else if ('any' in node) node.any.forEach((c, i) => leaves(c, visit, `${pointer}/any/${i}`))
  else if ('not' in node) leaves(node.not, visit, `${pointer}/not`)
  else visit(node, pointer)
}

/** Every `{"param": NAME}` inside a JSON value, with its pointer. */
export function paramRefs (value: unknown, pointer = ''): Array<{ name: string, pointer: string }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => paramRefs(v, `${pointer}/${i}`))
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>
    if (typeof o.param === 'string' && Object.keys(o).length === 1) return [{ name: o.param, pointer }]
    return Object.entries(o).flatMap(([k, v]) => paramRefs(v, `${pointer}/${k}`))
  }
  return []
}

function sampleParams (
  params: Record<string, unknown> | undefined,
  values: Record<string, number | boolean>
): Record<string, unknown> {
  const resolve = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(resolve)
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>
      if (typeof o.param === 'string' && Object.keys(o).length === 1) return values[o.param] ?? 0
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolve(x)]))
    }
    return v
  }
  return resolve(params ?? {}) as Record<string, unknown>
}

export function checkCatalog (content: CatalogContent): CatalogProblem[] {
  const problems: CatalogProblem[] = []
  const defined = content.parameters.parameters
  const defaults = Object.fromEntries(Object.entries(defined).map(([k, p]) => [k, p.default]))
  const valueSetIds = new Set(content.valueSets.map((v) => v.id))
  const hooksServed = new Set(content.services.map((s) => s.hook))

  if (content.parameters.profiles[content.parameters.defaultProfile] === undefined && Object.keys(defined).length > 0) {
    problems.push({ file: 'parameters.json', pointer: '/defaultProfile', message: `profile "${content.parameters.defaultProfile}" is not defined in /profiles` })
  }
  for (const [name, p] of Object.entries(defined)) {
    for (const profile of Object.keys(p.profiles ?? {})) {
      if (content.parameters.profiles[profile] === undefined) {
        problems.push({ file: 'parameters.json', pointer: `/parameters/${name}/profiles/${profile}`, message: `unknown evidence profile "${profile}"` })
      }
    }
  }
  for (const [name, fact] of Object.entries(content.facts.facts)) {
    const pointer = `/facts/${name}`
    if (FACT_LIBRARY.has(name)) problems.push({ file: 'facts.json', pointer, message: `"${name}" shadows a built-in fact` })
    if (fact.valueset !== undefined && !valueSetIds.has(fact.valueset)) problems.push({ file: 'facts.json', pointer: `${pointer}/valueset`, message: `unknown value set "${fact.valueset}"` })
    for (const key of ['where', 'select'] as const) {
      const expr = fact[key]
      if (expr === undefined) continue
      if (FORBIDDEN_FHIRPATH.some((re) => re.test(expr))) problems.push({ file: 'facts.json', pointer: `${pointer}/${key}`, message: 'FHIRPath may not call now(), today(), resolve(), memberOf() or %terminologies; use %now / %today' })
      try { compileExpression(expr) } catch (err) { problems.push({ file: 'facts.json', pointer: `${pointer}/${key}`, message: `FHIRPath does not compile: ${String((err as Error).message ?? err)}` }) }
    }
  }
  const ids = new Map<string, string>()
  for (const rc of content.rules) problems.push(...checkRule(rc, content, defaults, valueSetIds, hooksServed, ids))
  const variantKeys = new Set(content.rules.flatMap((rc) => (rc.rule.variants ?? []).map((v) => `${rc.rule.id}/${v.id}`)))
  const known = (ref: string): boolean => ref.includes('/') ? variantKeys.has(ref) : ids.has(ref)
  for (const rc of content.rules) {
    const lists: Array<[string, string[] | undefined]> = [['', rc.rule.suppressedBy],
      ...(rc.rule.variants ?? []).map((v, i): [string, string[] | undefined] => [`/variants/${i}`, v.suppressedBy])]
    for (const [at, list] of lists) {
      (list ?? []).forEach((ref, i) => {
        if (!known(ref)) problems.push({ file: rc.file, rule: rc.rule.id, pointer: `${at}/suppressedBy/${i}`, message: `unknown rule or variant "${ref}"` })
      })
    }
  }
  return problems
}

function checkRule (rc: RuleContent, content: CatalogContent, defaults: Record<string, number | boolean>,
  valueSetIds: Set<string>, hooksServed: Set<string>, ids: Map<string, string>): CatalogProblem[] {
  const { rule, file } = rc
  const problems: CatalogProblem[] = []
  const at = (
    pointer: string,
    message: string,
    f = file
  ): void => { problems.push({ file: f, rule: rule.id, pointer, message }) }
  const base = file.split('/').pop()?.replace(/\.rule\.json$/, '')
  if (base !== rule.id) at('/id', `id "${rule.id}" does not match the file name "${base}.rule.json"`)
  const other = ids.get(rule.id)
  if (other !== undefined) at('/id', `duplicate rule id, also in ${other}`)
  ids.set(rule.id, file)
  for (const hook of rule.hooks) if (!hooksServed.has(hook)) at('/hooks', `no service in services.json answers hook "${hook}"`)
  const labelMax = defaults.SOURCE_LABEL_MAX_CHARS
  if (typeof labelMax === 'number' && [...rule.source.label].length > labelMax) {
    at('/source/label', `source.label has ${[...rule.source.label].length} characters; at most SOURCE_LABEL_MAX_CHARS (${labelMax}) — put the full citation in source.citation`)
  }

  const used = new Set<string>()
  const factNames = new Set<string>()
  const checkCall = (call: FactCall, pointer: string): void => {
    const lib = FACT_LIBRARY.get(call.fact)
    if (lib === undefined && content.facts.facts[call.fact] === undefined) {
      const hint = didYouMean(call.fact, [...FACT_LIBRARY.keys(), ...Object.keys(content.facts.facts)])
      at(`${pointer}/fact`, `unknown fact "${call.fact}" (not built in, not in facts.json)${hint}`)
      return
    }
    factNames.add(call.fact)
    for (const ref of paramRefs(call.params ?? {}, `${pointer}/params`)) used.add(ref.name)
    if (lib === undefined) {
      if (call.params !== undefined && Object.keys(call.params).length > 0) at(`${pointer}/params`, `FHIRPath fact "${call.fact}" takes no params`)
      return
    }
    const validate = paramsValidator(lib.name)
    const sample = sampleParams(call.params, defaults)
    if (!validate(sample)) {
      for (const e of validate.errors ?? []) at(`${pointer}/params${e.instancePath}`, `fact "${call.fact}": ${e.message ?? 'invalid'}`)
    }
    for (const key of lib.valueSetParams ?? []) {
      const id = sample[key]
      if (typeof id === 'string' && !valueSetIds.has(id)) at(`${pointer}/params/${key}`, `unknown value set "${id}"`)
    }
  }
  for (const [name, call] of Object.entries(rule.let ?? {})) checkCall(call, `/let/${name}`)
  const variants = rule.variants ?? [{ id: '', conditions: rule.conditions as ConditionNode, card: rule.card as NonNullable<typeof rule.card> }]
  const seenVariant = new Set<string>()
  variants.forEach((v, i) => {
    const vp = rule.variants === undefined ? '' : `/variants/${i}`
    if (seenVariant.has(v.id)) at(`${vp}/id`, `duplicate variant id "${v.id}"`)
    for (const h of ('hooks' in v ? v.hooks ?? [] : [])) if (!rule.hooks.includes(h)) at(`${vp}/hooks`, `hook "${h}" is not one of the rule's hooks`)
    seenVariant.add(v.id)
    leaves(v.conditions, (leaf, pointer) => {
      checkCall(leaf, `${vp}/conditions${pointer}`)
      const fhirPath = content.facts.facts[leaf.fact]
      const returns = FACT_LIBRARY.get(leaf.fact)?.returnsSchema ??
        (fhirPath === undefined ? undefined : fhirPathReturns(fhirPath.result))
      if (returns !== undefined) {
        for (const [p, m] of checkConditionTypes(leaf, returns, content.parameters.parameters)) at(`${vp}/conditions${pointer}${p}`, m)
      }
      for (const ref of paramRefs(leaf.value, `${vp}/conditions${pointer}/value`)) used.add(ref.name)
    })
    problems.push(...checkPerOrderActions(v, vp, rule.hooks)
      .map(([pointer, message]) => ({ file, rule: rule.id, pointer, message })))
    const perOrder = (v.card.suggestions ?? []).some((s) => (s.actions ?? []).some((a) => a.forEach !== undefined))
    for (const ref of templateRefs(v.card)) {
      if (ref.root === DRAFT_ORDER_ROOT && perOrder) continue // checked by checkPerOrderActions
      if (ref.root === 'param') used.add(ref.path[0] ?? '')
      else if (ref.root !== 'context' && !factNames.has(ref.root) && rule.let?.[ref.root] === undefined) {
        at(`${vp}/card`, `placeholder {{${[ref.root, ...ref.path].join('.')}}} names no fact used by this rule, no let binding and no built-in (param, context)`)
      }
    }
  })
  for (const name of used) {
    if (defaults[name] === undefined) at('/parameters', `parameter "${name}" is not defined in parameters.json`)
    else if (!rule.parameters.includes(name)) at('/parameters', `parameter "${name}" is used but not listed in "parameters"`)
  }
  for (const name of rule.parameters) if (!used.has(name)) at('/parameters', `parameter "${name}" is listed but never used`)

  const casesFile = file.replace(/\.rule\.json$/, '.cases.json')
  if (rc.casesFile === undefined) at('/', `no cases file: add ${casesFile} with at least one firing and one non-firing case`)
  else if (rc.cases !== undefined) {
    if (rc.cases.rule !== rule.id) at('/rule', `cases are for "${rc.cases.rule}", not "${rule.id}"`, casesFile)
    const active = rc.cases.cases.filter((c) => c.skip === undefined)
    if (!active.some((c) => c.expect.fires)) at('/cases', 'needs at least one case that fires', casesFile)
    if (!active.some((c) => !c.expect.fires)) at('/cases', 'needs at least one case that does not fire', casesFile)
    rc.cases.cases.forEach((c, i) => {
      if (c.hook !== undefined && !rule.hooks.includes(c.hook)) at(`/cases/${i}/hook`, `rule does not run on "${c.hook}"`, casesFile)
      if (c.expect.variant !== undefined && !seenVariant.has(c.expect.variant)) at(`/cases/${i}/expect/variant`, `unknown variant "${c.expect.variant}"`, casesFile)
      if (c.profile !== undefined && content.parameters.profiles[c.profile] === undefined) at(`/cases/${i}/profile`, `unknown evidence profile "${c.profile}"`, casesFile)
    })
  }
  return problems
}
