// Cross-file checks of the clinical content: ids, parameters, facts and their params, value
// sets, template placeholders, FHIRPath restrictions and the presence of rule cases.

import { type CatalogProblem, type Unchecked, noneUnchecked } from './catalog-problems.js'
import { checkConditionTypes, closest, didYouMean } from './condition-types.js'
import { FACT_LIBRARY } from './facts/index.js'
import { FORBIDDEN_FHIRPATH, compileExpression, fhirPathReturns } from './fhirpath-facts.js'
import { DRAFT_ORDER_FIELDS, DRAFT_ORDER_ROOT, templateRefs } from './template.js'
import { describeErrors } from './schema-validator.js'
import { paramsValidator } from './validators.js'
import { type CatalogContent, type ConditionLeaf, type ConditionNode, type FactCall, type HookName, isLetLeaf, type RuleContent, type VariantFile } from './types.js'

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
export function leaves (node: ConditionNode, visit: (leaf: ConditionLeaf, pointer: string) => void, pointer = ''): void {
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

/** What the cross-file checks know: defined names, and names whose definition is broken (not to be reported again). */
export interface Known {
  unchecked: Unchecked
  defaults: Record<string, number | boolean>
  valueSetIds: Set<string>
  hooksServed: Set<string>
}

/** `unknown value set "x"` (with a did-you-mean), or undefined when the value set is known or its file is broken. */
function unknownValueSet (id: string, known: Known): string | undefined {
  if (known.valueSetIds.has(id) || known.unchecked.valueSets.has(id)) return undefined
  return `unknown value set "${id}" (no valuesets/${id}.json)${didYouMean(id, known.valueSetIds)}`
}

export function checkCatalog (content: CatalogContent, unchecked: Unchecked = noneUnchecked()): CatalogProblem[] {
  const problems: CatalogProblem[] = []
  const defined = content.parameters.parameters
  const known: Known = {
    unchecked,
    defaults: Object.fromEntries(Object.entries(defined).map(([k, p]) => [k, p.default])),
    valueSetIds: new Set(content.valueSets.map((v) => v.id)),
    hooksServed: new Set(content.services.map((s) => s.hook))
  }

  const profiles = Object.keys(content.parameters.profiles)
  if (content.parameters.profiles[content.parameters.defaultProfile] === undefined && Object.keys(defined).length > 0) {
    problems.push({ file: 'parameters.json', pointer: '/defaultProfile', message: `profile "${content.parameters.defaultProfile}" is not defined in /profiles${didYouMean(content.parameters.defaultProfile, profiles)}` })
  }
  for (const [name, p] of Object.entries(defined)) {
    for (const [profile, value] of Object.entries(p.profiles ?? {})) {
      const pointer = `/parameters/${name}/profiles/${profile}`
      if (content.parameters.profiles[profile] === undefined) {
        problems.push({ file: 'parameters.json', pointer, message: `unknown evidence profile "${profile}"${didYouMean(profile, profiles)}` })
      } else if (typeof value !== typeof p.default) {
        problems.push({ file: 'parameters.json', pointer, message: `expected ${typeof p.default} (the type of the default), got ${typeof value} ${JSON.stringify(value)}` })
      }
    }
  }
  for (const [name, fact] of Object.entries(content.facts.facts)) {
    const pointer = `/facts/${name}`
    if (FACT_LIBRARY.has(name)) problems.push({ file: 'facts.json', pointer, message: `"${name}" shadows a built-in fact` })
    const vsProblem = fact.valueset === undefined ? undefined : unknownValueSet(fact.valueset, known)
    if (vsProblem !== undefined) problems.push({ file: 'facts.json', pointer: `${pointer}/valueset`, message: vsProblem })
    for (const key of ['where', 'select'] as const) {
      const expr = fact[key]
      if (expr === undefined) continue
      if (FORBIDDEN_FHIRPATH.some((re) => re.test(expr))) problems.push({ file: 'facts.json', pointer: `${pointer}/${key}`, message: 'FHIRPath may not call now(), today(), resolve(), memberOf() or %terminologies; use %now / %today' })
      try { compileExpression(expr) } catch (err) { problems.push({ file: 'facts.json', pointer: `${pointer}/${key}`, message: `FHIRPath does not compile: ${String((err as Error).message ?? err)}` }) }
    }
  }
  const ids = new Map<string, string>()
  for (const rc of content.rules) problems.push(...checkRule(rc, content, known, ids))
  const variantKeys = new Set(content.rules.flatMap((rc) => (rc.rule.variants ?? []).map((v) => `${rc.rule.id}/${v.id}`)))
  const exists = (ref: string): boolean => unchecked.rules.has(ref.split('/')[0] ?? '') || (ref.includes('/') ? variantKeys.has(ref) : ids.has(ref))
  for (const rc of content.rules) {
    const lists: Array<[string, string[] | undefined]> = [['', rc.rule.suppressedBy],
      ...(rc.rule.variants ?? []).map((v, i): [string, string[] | undefined] => [`/variants/${i}`, v.suppressedBy])]
    for (const [at, list] of lists) {
      (list ?? []).forEach((ref, i) => {
        if (exists(ref)) return
        const hint = didYouMean(ref, ref.includes('/') ? variantKeys : ids.keys())
        problems.push({ file: rc.file, rule: rc.rule.id, pointer: `${at}/suppressedBy/${i}`, message: `unknown rule or variant "${ref}"${hint}` })
      })
    }
  }
  return problems
}

function checkRule (
  rc: RuleContent, content: CatalogContent, known: Known, ids: Map<string, string>
): CatalogProblem[] {
  const { rule, file } = rc
  const { defaults, unchecked } = known
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
  const servicesKnown = !unchecked.files.has('services.json')
  for (const hook of rule.hooks) if (servicesKnown && !known.hooksServed.has(hook)) at('/hooks', `no service in services.json answers hook "${hook}"`)
  const labelMax = defaults.SOURCE_LABEL_MAX_CHARS
  if (typeof labelMax === 'number' && [...rule.source.label].length > labelMax) {
    at('/source/label', `source.label has ${[...rule.source.label].length} characters; at most SOURCE_LABEL_MAX_CHARS (${labelMax}) — put the full citation in source.citation`)
  }

  /** Parameters used, each with where it is first used. */
  const used = new Map<string, string>()
  const use = (name: string, pointer: string): void => { if (!used.has(name)) used.set(name, pointer) }
  const factNames = new Set<string>()
  let unknownFacts = 0
  const checkCall = (call: FactCall, pointer: string): void => {
    const lib = FACT_LIBRARY.get(call.fact)
    if (lib === undefined && content.facts.facts[call.fact] === undefined) {
      unknownFacts++
      if (unchecked.files.has('facts.json') || unchecked.facts.has(call.fact)) return // its definition is reported
      const hint = didYouMean(call.fact, [...FACT_LIBRARY.keys(), ...Object.keys(content.facts.facts)])
      at(`${pointer}/fact`, `unknown fact "${call.fact}" (not built in, not in facts.json)${hint}`)
      return
    }
    factNames.add(call.fact)
    for (const ref of paramRefs(call.params ?? {}, `${pointer}/params`)) use(ref.name, ref.pointer)
    if (lib === undefined) {
      if (call.params !== undefined && Object.keys(call.params).length > 0) at(`${pointer}/params`, `FHIRPath fact "${call.fact}" takes no params`)
      return
    }
    const validate = paramsValidator(lib.name)
    const sample = sampleParams(call.params, defaults)
    // A parameter that is undefined (or broken) is reported as such; its sample value proves nothing.
    const sampled = paramRefs(call.params ?? {}).every((r) => defaults[r.name] !== undefined)
    if (sampled && !validate(sample)) {
      for (const p of describeErrors(validate.errors ?? [], lib.params as Record<string, unknown>)) {
        at(`${pointer}/params${p.pointer === '/' ? '' : p.pointer}`, `fact "${call.fact}" params: ${p.message}`)
      }
    }
    for (const key of lib.valueSetParams ?? []) {
      const id = sample[key]
      const problem = typeof id === 'string' ? unknownValueSet(id, known) : undefined
      if (problem !== undefined) at(`${pointer}/params/${key}`, problem)
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
      let call: FactCall
      if (isLetLeaf(leaf)) {
        const names = Object.keys(rule.let ?? {})
        const bound = rule.let?.[leaf.let]
        if (bound === undefined) {
          const known = names.length === 0 ? 'this rule has no "let"' : `this rule's "let" has ${names.join(', ')}`
          at(`${vp}/conditions${pointer}/let`, `unknown let "${leaf.let}" (${known})${didYouMean(leaf.let, names)}`)
          return
        }
        call = bound // checked at /let/NAME
        factNames.add(call.fact)
      } else {
        call = leaf
        checkCall(leaf, `${vp}/conditions${pointer}`)
      }
      const fhirPath = content.facts.facts[call.fact]
      const returns = FACT_LIBRARY.get(call.fact)?.returnsSchema ??
        (fhirPath === undefined ? undefined : fhirPathReturns(fhirPath.result))
      if (returns !== undefined) {
        const typed = { ...leaf, fact: call.fact, ...(isLetLeaf(leaf) ? { let: leaf.let } : {}) }
        for (const [p, m] of checkConditionTypes(typed, returns, content.parameters.parameters)) at(`${vp}/conditions${pointer}${p}`, m)
      }
      for (const ref of paramRefs(leaf.value, `${vp}/conditions${pointer}/value`)) use(ref.name, ref.pointer)
    })
    problems.push(...checkPerOrderActions(v, vp, rule.hooks)
      .map(([pointer, message]) => ({ file, rule: rule.id, pointer, message })))
    const perOrder = (v.card.suggestions ?? []).some((s) => (s.actions ?? []).some((a) => a.forEach !== undefined))
    for (const ref of templateRefs(v.card)) {
      if (ref.root === DRAFT_ORDER_ROOT && perOrder) continue // checked by checkPerOrderActions
      if (ref.root === 'param') use(ref.path[0] ?? '', `${vp}/card`)
      else if (ref.root !== 'context' && !factNames.has(ref.root) && rule.let?.[ref.root] === undefined &&
        !unchecked.facts.has(ref.root) && !unchecked.files.has('facts.json') &&
        // A misspelt fact name in a condition is reported there; the placeholder naming the right one is not.
        !(unknownFacts > 0 && (FACT_LIBRARY.has(ref.root) || content.facts.facts[ref.root] !== undefined))) {
        at(`${vp}/card`, `placeholder {{${[ref.root, ...ref.path].join('.')}}} names no fact used by this rule, no let binding and no built-in (param, context)`)
      }
    }
  })
  const listProblems = checkParameterLists(rule.parameters, used, known)
  problems.push(...listProblems.map(([pointer, message]) => ({ file, rule: rule.id, pointer, message })))

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
      if (c.profile !== undefined && content.parameters.profiles[c.profile] === undefined && !unchecked.files.has('parameters.json')) at(`/cases/${i}/profile`, `unknown evidence profile "${c.profile}"`, casesFile)
    })
  }
  return problems
}

/**
 * The rule's `parameters` list against the parameters it uses. A name misspelt in one place
 * (the list or a use) is one problem, with the name it resembles, not an unlisted and an unused one.
 */
function checkParameterLists (listed: string[], used: Map<string, string>, known: Known): Located {
  const out: Located = []
  if (known.unchecked.files.has('parameters.json')) return out
  const defined = Object.keys(known.defaults)
  const isDefined = (name: string): boolean =>
    known.defaults[name] !== undefined || known.unchecked.parameters.has(name)
  const explained = new Set<string>()
  for (const [name, pointer] of used) {
    if (isDefined(name)) continue
    const near = closest(name, defined)
    if (near !== undefined) explained.add(near)
    out.push([pointer, `parameter "${name}" is not defined in parameters.json${near === undefined ? '' : ` (did you mean "${near}"?)`}`])
  }
  listed.forEach((name, i) => {
    if (used.has(name) || explained.has(name)) return
    const near = closest(name, [...used.keys()].filter((u) => !listed.includes(u)))
    if (near !== undefined) explained.add(near)
    const what = isDefined(name) ? 'is listed but never used' : 'is not defined in parameters.json'
    out.push([`/parameters/${i}`, `parameter "${name}" ${what}${near === undefined ? '' : ` (did you mean "${near}"?)`}`])
  })
  for (const [name, pointer] of used) {
    if (isDefined(name) && !listed.includes(name) && !explained.has(name)) {
      out.push([pointer, `parameter "${name}" is used but not listed in "parameters"`])
    }
  }
  return out
}
