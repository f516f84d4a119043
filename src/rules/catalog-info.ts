// A readable summary of the catalog in force (GET /rules): rules with versions, hooks, variants,
// enabled flag and the parameter values in force for the active evidence profile; catalog hash.

import type { Catalog } from './compiled.js'

export interface RuleSummary {
  id: string
  version: string
  title: string
  group: string
  hooks: string[]
  orders?: string[]
  enabled: boolean
  variants: string[]
  source: { label: string, url?: string, evidence?: string, citation?: string }
  parameters: Record<string, { value: number | boolean, unit: string, title?: string, default: number | boolean }>
  file: string
  cases: number
}

export interface CatalogSummary {
  catalog: { hash: string, loadedAt: string, rules: number, valueSets: number, parameters: number }
  profile: { name: string, title: string, default: boolean }
  profiles: string[]
  services: Array<{ id: string, hook: string, title: string }>
  rules: RuleSummary[]
}

export function catalogSummary (catalog: Catalog, profileName: string): CatalogSummary {
  const profile = catalog.profiles.get(profileName)
  if (profile === undefined) throw new Error(`profile ${profileName} is not compiled`)
  const defs = catalog.content.parameters.parameters
  const cases = new Map(catalog.content.rules.map((rc) => [rc.rule.id, rc.cases?.cases.length ?? 0]))
  return {
    catalog: {
      hash: catalog.hash,
      loadedAt: catalog.loadedAt,
      rules: profile.rules.length,
      valueSets: catalog.valueSets.size,
      parameters: Object.keys(defs).length
    },
    profile: {
      name: profile.name,
      title: catalog.content.parameters.profiles[profile.name]?.title ?? profile.name,
      default: profile.name === catalog.defaultProfile
    },
    profiles: [...catalog.profiles.keys()],
    services: [...catalog.services.values()].map((s) => ({ id: s.id, hook: s.hook, title: s.title })),
    rules: profile.rules.map(({ rule, file, variants, params }) => ({
      id: rule.id,
      version: rule.version,
      title: rule.title,
      group: rule.group,
      hooks: rule.hooks,
      ...(rule.orders === undefined ? {} : { orders: rule.orders }),
      enabled: rule.enabled !== false,
      variants: variants.map((v) => v.variantId ?? v.key),
      source: {
        label: rule.source.label,
        ...(rule.source.url === undefined ? {} : { url: rule.source.url }),
        ...(rule.source.evidence === undefined ? {} : { evidence: rule.source.evidence }),
        ...(rule.source.citation === undefined ? {} : { citation: rule.source.citation })
      },
      parameters: Object.fromEntries(Object.entries(params).map(([k, value]) => {
        const d = defs[k]
        return [k, { value, unit: d?.unit ?? '', ...(d?.title === undefined ? {} : { title: d.title }), default: d?.default ?? value }]
      })),
      file,
      cases: cases.get(rule.id) ?? 0
    }))
  }
}
