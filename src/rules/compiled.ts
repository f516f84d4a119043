// The compiled, immutable rule catalog that evaluation runs on. One ProfileCatalog per evidence
// profile, with every {"param": NAME} resolved; swapped as a whole on reload.

import type { ValueSet } from '../fhir/valueset.js'
import type { FactDefinition } from './facts/fact.js'
import type { CardTemplate, CatalogContent, ConditionNode, FactCall, HookName, RuleFile, ServiceFile } from './types.js'

export interface CompiledVariant {
  /** `SUIT-03/a`, or the rule id for single-variant rules. */
  key: string
  ruleId: string
  variantId?: string
  /** Hooks this variant runs on when fewer than its rule's (e.g. SUIT-11(c): order-sign). */
  hooks?: HookName[]
  conditions: ConditionNode
  card: CardTemplate
  /** First call of each fact in the conditions (templates show these values). */
  factCalls: Map<string, FactCall>
  /** Resource types read by the facts of this variant and its `let` bindings. */
  reads: Set<string>
}

export interface CompiledRule {
  rule: RuleFile
  file: string
  variants: CompiledVariant[]
  lets: Map<string, FactCall>
  /** Parameter values in force for this rule. */
  params: Record<string, number | boolean>
}

export interface ProfileCatalog {
  name: string
  parameters: Record<string, number | boolean>
  rules: CompiledRule[]
  facts: ReadonlyMap<string, FactDefinition>
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
