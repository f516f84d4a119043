// The rule author's tools the workbench calls: GET /rules/{id} (one rule as loaded, its cases and
// their results against the catalog in force) and POST /rules/what-if (records evaluated with the
// catalog in force and with an edited rule or parameter values; admin). Both run in the worker.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { WhatIfBody } from '../../authoring/what-if.js'
import { DomainError } from '../../errors.js'
import { didYouMean } from '../../rules/condition-types.js'
import { guardAdmin } from '../admin-token.js'
import type { RulesRouteDeps } from './rules.js'
import { RuleDetailSchema, RuleParams, WhatIfBodySchema, WhatIfResponseSchema } from './rule-schemas.js'

export function ruleToolRoutes (app: FastifyInstance, deps: RulesRouteDeps): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  typed.get('/rules/:id', {
    config: { adminToken: true },
    schema: { params: RuleParams, response: { 200: RuleDetailSchema } }
  }, async (request) => {
    const catalog = deps.catalogs.current()
    const { id } = request.params
    const rc = catalog.content.rules.find((r) => r.rule.id === id)
    if (rc === undefined) {
      const ids = catalog.content.rules.map((r) => r.rule.id)
      throw new DomainError('unknown-rule', `no rule with id "${id}"`, [{ expression: 'id', diagnostics: `unknown rule "${id}"${didYouMean(id, ids)}; see GET /rules` }])
    }
    const results = await deps.validator.caseResults(id, catalog, deps.clock())
    const rule = rc.rule as unknown as Record<string, unknown>
    const cases = (rc.cases ?? null) as Record<string, unknown> | null
    return { id, file: rc.file, rule, cases, results }
  })

  // Admin only in jwt mode (like validate): the body carries records and content; evaluated in the worker.
  typed.post('/rules/what-if', {
    config: { jwtAuth: false },
    bodyLimit: deps.config.VALIDATE_BODY_LIMIT_BYTES,
    schema: { body: WhatIfBodySchema, response: { 200: WhatIfResponseSchema } },
    // The guard runs before the body is validated, so an unauthenticated caller learns nothing from a 400.
    preValidation: async (request, reply) => {
      const denied = await guardAdmin('what-if', deps.config, request, reply)
      if (denied !== undefined) return denied
    }
  }, async (request) => {
    const catalog = deps.catalogs.current()
    const report = await deps.validator.whatIf(request.body as WhatIfBody, catalog, deps.clock(), deps.profile)
    request.log.info({ records: report.records.length, changed: report.records.filter((r) => r.changed).length, errors: report.records.filter((r) => r.error !== undefined).length }, 'what-if')
    return report
  })
}
