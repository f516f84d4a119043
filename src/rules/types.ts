// Shapes of the clinical content files (rules/), as validated by the JSON Schemas in schemas/.

import type { ValueSetFile } from '../fhir/valueset.js'

export type HookName = 'order-select' | 'order-sign' | 'patient-view'
export const HOOKS: readonly HookName[] = ['order-select', 'order-sign', 'patient-view']
/** Card indicators (CDS Hooks 2.0); the card template and the CDS card take their values from here. */
export const INDICATORS = ['info', 'warning', 'critical'] as const
export type Indicator = typeof INDICATORS[number]
/** Evidence tag of a rule source: V verified, S secondary, U unverified, D design default. */
export const EVIDENCE = ['V', 'S', 'U', 'D'] as const
export type Evidence = typeof EVIDENCE[number]
export type OrderKind = 'facet' | 'pt'

/** What a condition leaf tests of its value: `path` (default `$`), `operator`, `value`. */
export interface LeafTest { operator: string, value: unknown, path?: string }
/**
 * A leaf that calls a fact. In a compiled tree every leaf is one: a let-leaf becomes its
 * binding's call and keeps the binding's name in `let` (for explain).
 */
export interface FactLeaf extends LeafTest { fact: string, params?: Record<string, unknown>, let?: string }
/** A leaf that tests the rule's `let` binding of that name: the same call, said once. */
export interface LetLeaf extends LeafTest { let: string }
export type ConditionLeaf = FactLeaf | LetLeaf

/** A json-rules-engine condition tree; `{ "param": NAME }` may stand for any value. */
export type ConditionNode =
  | { all: ConditionNode[] }
  | { any: ConditionNode[] }
  | { not: ConditionNode }
  | ConditionLeaf

export const isLetLeaf = (leaf: ConditionLeaf): leaf is LetLeaf => !('fact' in leaf)

export interface LinkTemplate { label: string, url: string, type: 'absolute' | 'smart', appContext?: string }
export interface ActionTemplate {
  type: 'create' | 'update' | 'delete'
  description: string
  resource?: Record<string, unknown>
  resourceId?: string
  /** One action per draft facet ServiceRequest of the order session, named by {{draftOrder.…}}. */
  forEach?: 'draftFacetOrder'
}
export interface SuggestionTemplate { label: string, isRecommended?: boolean, actions?: ActionTemplate[] }
export interface OverrideReasonTemplate { code: string, display: string, system?: string }

export interface CardTemplate {
  indicator: Indicator
  summary: string
  detail?: string
  /** The facts and thresholds that made the card fire; rendered into `detail` and the extension. */
  why: string
  suggestions?: SuggestionTemplate[]
  selectionBehavior?: 'at-most-one' | 'any'
  links?: LinkTemplate[]
  overrideReasons?: OverrideReasonTemplate[]
}

export interface VariantFile {
  id: string
  /** Only these of the rule's hooks (default: all of them). */
  hooks?: HookName[]
  title?: string
  /** Like the rule's `suppressedBy`, for this variant only (SUIT-03(b) stands down for SUIT-01). */
  suppressedBy?: string[]
  conditions: ConditionNode
  card: CardTemplate
}

export interface FactCall { fact: string, params?: Record<string, unknown> }

export interface RuleFile {
  id: string
  version: string
  title: string
  description: string
  group: 'suitability' | 'safety' | 'pt-follow-up' | 'escalation' | 'governance'
  hooks: HookName[]
  /** On order hooks the rule runs only when an order of one of these kinds is being placed. */
  orders?: OrderKind[]
  /** false = shipped but off (e.g. GOV-01); default true. */
  enabled?: boolean
  /** Rules (`ESC-04`: any variant) or variants (`ESC-02/a`) whose card, when it fires in the same call,
   *  makes this rule stand down. */
  suppressedBy?: string[]
  source: { label: string, url?: string, evidence?: Evidence, citation?: string }
  parameters: string[]
  /** Named fact calls: conditions test them as `{"let": NAME, …}`, card templates show them as `{{name.path}}`. */
  let?: Record<string, FactCall>
  conditions?: ConditionNode
  card?: CardTemplate
  variants?: VariantFile[]
}

export interface ParameterDef {
  default: number | boolean
  unit: string
  title?: string
  description: string
  source: string
  evidence: Evidence
  profiles?: Record<string, number | boolean>
}

export interface ParametersFile {
  profiles: Record<string, { title: string, description?: string, source?: string }>
  defaultProfile: string
  parameters: Record<string, ParameterDef>
}

export interface PrefetchDef {
  template: string
  /** Resource types this key supplies; they become unavailable when the key cannot be had. */
  covers: string[]
  /** Without it the service cannot evaluate at all: absent and unfetchable → 412. */
  required: boolean
}

export interface ServiceFile {
  id: string
  hook: HookName
  title: string
  description: string
  usageRequirements?: string
  prefetch: Record<string, PrefetchDef>
}

export interface ServicesFile { services: ServiceFile[] }

export interface FhirPathFactFile {
  description: string
  resourceType: string
  valueset?: string
  where?: string
  select?: string
  result: 'exists' | 'count' | 'values'
}

export interface FactsFile { facts: Record<string, FhirPathFactFile> }

export interface CaseExpectation {
  fires: boolean
  variant?: string
  card?: Record<string, unknown>
}

export interface RuleCase {
  name: string
  hook?: HookName
  now: string
  profile?: string
  skip?: string
  /** The patient's record: resources (dates may be `{{now-30d}}`), draft orders have status draft. */
  resources?: unknown[]
  /** Or a whole hook request body. */
  request?: Record<string, unknown>
  expect: CaseExpectation
}

export interface CasesFile { rule: string, cases: RuleCase[] }

export interface RuleContent {
  file: string
  rule: RuleFile
  casesFile?: string
  cases?: CasesFile
}

export interface CatalogContent {
  dir: string
  services: ServiceFile[]
  parameters: ParametersFile
  valueSets: ValueSetFile[]
  facts: FactsFile
  rules: RuleContent[]
}
