// The compiled, immutable rule catalog that evaluation runs on. One ProfileCatalog per evidence
// profile, with every {"param": NAME} resolved; swapped as a whole on reload.

import type { ValueSet } from '../fhir/valueset.js'
import type { FactDefinition } from './facts/fact.js'
import type { CardTemplate, CatalogContent, ConditionNode, FactCall, HookName, RuleFile, ServiceFile } from './types.js'

/** One distinct (fact, params) call in a profile; `id` is the fact name the engine knows it by. */
export interface CompiledCall extends FactCall { id: string }

/**
 * A condition tree as json-rules-engine runs it: each leaf names its call id and carries no
 * params (the engine deep-copies the tree for every run, so smaller is cheaper).
 */
export type EngineConditions = Record<string, unknown>

export interface CompiledVariant {
  /** `SUIT-03/a`, or the rule id for single-variant rules. */
  key: string
  ruleId: string
  variantId?: string
  /** Hooks this variant runs on when fewer than its rule's (e.g. SUIT-11(c): order-sign). */
  hooks?: HookName[]
  /** The variant's own `suppressedBy` (the rule's applies to every variant). */
  suppressedBy?: string[]
  conditions: ConditionNode
  /** `conditions` in engine form (same shape, so JSON pointers are the same). */
  engineConditions: EngineConditions
  /**
   * For a top-level `all`: the condition the compiler chose to try first (its highest priority,
   * see engine-form.ts), alone, in engine form. The engine would evaluate it first and stop on
   * false anyway; running it on its own first spares the engine building and copying the whole
   * tree for the many variants whose gate fails.
   */
  engineGate?: EngineConditions
  /** Index of the gate in the top-level `all` (`/all/<index>`). */
  engineGateIndex?: number
  /** Same text for the same gate: variants sharing a gate share one engine rule in the first pass. */
  engineGateKey?: string
  /** Call ids read by `engineConditions` and by `engineGate`. */
  engineCalls: string[]
  engineGateCalls?: string[]
  card: CardTemplate
  /** First call of each fact in the conditions (templates show these values). */
  factCalls: Map<string, CompiledCall>
  /** Resource types read by the facts of this variant and its `let` bindings. */
  reads: Set<string>
}

export interface CompiledRule {
  rule: RuleFile
  file: string
  variants: CompiledVariant[]
  lets: Map<string, CompiledCall>
  /** Parameter values in force for this rule. */
  params: Record<string, number | boolean>
}

export interface ProfileCatalog {
  name: string
  parameters: Record<string, number | boolean>
  rules: CompiledRule[]
  facts: ReadonlyMap<string, FactDefinition>
  /** Every distinct fact call of the profile's rules, by id. */
  calls: ReadonlyMap<string, CompiledCall>
}

export interface Catalog {
  dir: string
  hash: string
  loadedAt: string
  content: CatalogContent
  services: ReadonlyMap<string, ServiceFile>
  valueSets: ReadonlyMap<string, ValueSet>
  defaultProfile: string
  profiles: ReadonlyMap<string, ProfileCatalog>
}
