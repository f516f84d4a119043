// POST /evaluate: a plain FHIR Bundle (one patient's record) or a captured CDS Hooks request evaluated
// like a hook call (offline: a capture's fhirServer is never called), with an optional explanation.
// Thin: query parsing here, everything else in src/cds/evaluate-bundle.ts.

import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { evaluateBundle } from '../../cds/evaluate-bundle.js'
import type { NewId } from '../../cds/types.js'
import { DomainError } from '../../errors.js'
import type { CatalogHolder } from '../../rules/catalog-holder.js'

export interface EvaluateRouteDeps { catalogs: CatalogHolder, clock: () => Date, newId: NewId, profile: string }

const Query = Type.Object({
  hook: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  service: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  now: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  profile: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  explain: Type.Optional(Type.String({ maxLength: 10 }))
}, { additionalProperties: true })

type QueryT = { hook?: string, service?: string, now?: string, profile?: string, explain?: string }

function flag (value: string | undefined): boolean {
  if (value === undefined || value === 'false' || value === '0') return false
  if (value === '' || value === 'true' || value === '1') return true
  throw new DomainError('invalid-request', `explain "${value}" is not a boolean`, [{ expression: 'explain', diagnostics: 'explain must be true or false' }])
}

export function evaluateRoutes (app: FastifyInstance, deps: EvaluateRouteDeps): void {
  app.post<{ Querystring: QueryT, Body: unknown }>('/evaluate', { config: { adminToken: true }, schema: { querystring: Query } }, async (request) => {
    const q = request.query
    const unknown = Object.keys(q).filter((k) => !['hook', 'service', 'now', 'profile', 'explain'].includes(k))
    if (unknown.length > 0) {
      throw new DomainError('invalid-request', `unknown query parameter ${unknown.join(', ')}`,
        unknown.map((k) => ({ expression: k, diagnostics: `unknown query parameter "${k}"; known: hook, service, now, profile, explain` })))
    }
    const catalog = deps.catalogs.current()
    const started = performance.now()
    const result = await evaluateBundle(request.body, {
      ...(q.hook === undefined ? {} : { hook: q.hook }),
      ...(q.service === undefined ? {} : { service: q.service }),
      ...(q.now === undefined ? {} : { now: q.now }),
      ...(q.profile === undefined ? {} : { profile: q.profile }),
      explain: flag(q.explain)
    }, { catalog, now: deps.clock(), newId: deps.newId, profile: deps.profile })
    request.log.info({ cards: result.cards.length, rules: result.cards.map((c) => c.extension['org.facet-pt-cds'].rule), durationMs: Math.round((performance.now() - started) * 100) / 100 }, 'bundle evaluated')
    return result
  })
}
