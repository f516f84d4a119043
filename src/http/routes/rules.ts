// Rule catalog endpoints: GET /rules (catalog in force), POST /rules/validate (admin: a posted rule
// or catalog, in a worker thread), POST /rules/reload (admin: re-read, test, swap only if all pass);
// GET /rules/{id} and POST /rules/what-if are in rule-tools.ts (same deps).

import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { Config } from '../../config.js'
import { DomainError } from '../../errors.js'
import { catalogSummary } from '../../rules/catalog-info.js'
import { formatProblem } from '../../rules/catalog-problems.js'
import type { Reloader } from '../../authoring/reload.js'
import type { PostedValidator } from '../../authoring/validate-pool.js'
import { checkCaseCap } from '../../authoring/validate-posted.js'
import type { CatalogHolder } from '../../rules/catalog-holder.js'
import { guardAdmin } from '../admin-token.js'

export interface RulesRouteDeps {
  catalogs: CatalogHolder
  clock: () => Date
  profile: string
  config: Config
  reloader: Reloader
  validator: PostedValidator
}

export function rulesRoutes (app: FastifyInstance, deps: RulesRouteDeps): void {
  app.get<{ Querystring: { profile?: string } }>('/rules', {
    config: { adminToken: true },
    schema: { querystring: Type.Object({ profile: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }) }
  }, async (request) => {
    const catalog = deps.catalogs.current()
    const name = request.query.profile ?? deps.profile
    if (!catalog.profiles.has(name)) {
      throw new DomainError('invalid-request', `unknown evidence profile "${name}"`, [{ expression: 'profile', diagnostics: `profile must be one of ${[...catalog.profiles.keys()].join(', ')}` }])
    }
    return catalogSummary(catalog, name)
  })

  // Admin only in jwt mode; a capped body and case count; validated in a worker thread, off the event loop.
  app.post('/rules/validate', { config: { jwtAuth: false }, bodyLimit: deps.config.VALIDATE_BODY_LIMIT_BYTES }, async (request, reply) => {
    const denied = await guardAdmin('rule validation', deps.config, request, reply)
    if (denied !== undefined) return denied
    checkCaseCap(request.body, deps.config.VALIDATE_MAX_CASES)
    return await deps.validator.validate(request.body, deps.catalogs.current(), deps.clock())
  })

  // Reload is guarded by ADMIN_TOKEN (not a CDS client JWT) when AUTH_MODE=jwt.
  app.post('/rules/reload', { config: { jwtAuth: false } }, async (request, reply) => {
    const denied = await guardAdmin('rule reload', deps.config, request, reply)
    if (denied !== undefined) return denied
    const report = await deps.reloader.reload()
    request.log.info({ swapped: report.swapped, unchanged: report.unchanged, hash: report.hash, previousHash: report.previousHash, problems: report.problems.length, cases: report.cases }, 'rules reload')
    if (report.problems.length > 0) {
      throw new DomainError('invalid-rules', `reload refused: ${report.problems.length} problem(s); catalog ${report.hash} keeps serving`,
        report.problems.map((p) => ({ expression: `${p.file}#${p.pointer}`, diagnostics: formatProblem(p) })))
    }
    return report
  })
}
