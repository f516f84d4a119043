// Records every hook call after its answer went out (onResponse): the audit row (service, hook,
// hookInstance, rules fired, card uuids, duration, catalog hash, status), the issued cards and
// the metrics. Only ids, codes and counts — never the request body, prefetch or tokens. Calls shed
// with 429 (rate limit) or 503 (overload, store down) get no audit row — a flood of them would
// flood the store; they are counted in the metrics only.

import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Evaluation } from '../cds/evaluate.js'
import type { Metrics } from '../metrics.js'
import type { WriteQueue } from '../store/queue.js'
import type { CatalogHolder } from '../rules/catalog-holder.js'

const HOOK_ROUTE = '/cds-services/:id'
const MAX_ID = 200
/** Answers that write no audit row (metrics only). */
const NOT_AUDITED = new Set([429, 503])

export interface HookAuditDeps {
  catalogs: CatalogHolder
  queue: WriteQueue
  metrics: Metrics
  clock: () => Date
  newId: () => string
}

/** A short id-like string from the untrusted body, or null. */
function idField (body: unknown, key: string): string | null {
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined
  // NUL is refused by PostgreSQL text columns: it would make the whole audit batch fail.
  return typeof v === 'string' ? v.slice(0, MAX_ID).replaceAll('\u0000', '') : null
}

export function hookAudit (
  app: FastifyInstance,
  deps: HookAuditDeps
): (request: FastifyRequest, evaluation: Evaluation) => void {
  const evaluations = new WeakMap<FastifyRequest, Evaluation>()

  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.url !== HOOK_ROUTE || request.method !== 'POST') return
    const evaluation = evaluations.get(request)
    // The evaluation holds the whole record: release it now rather than when the request is collected.
    evaluations.delete(request)
    const catalog = deps.catalogs.current()
    const rawId = (request.params as { id?: string }).id ?? ''
    const service = catalog.services.has(rawId) ? rawId : 'unknown'
    const status = reply.statusCode
    const durationMs = Math.round(reply.elapsedTime * 100) / 100
    const hookInstance = idField(request.body, 'hookInstance')
    const cards = status === 200 && evaluation !== undefined ? evaluation.cards : []
    const at = deps.clock().toISOString()
    try {
      deps.metrics.hookRequest(service, status, reply.elapsedTime / 1000)
      if (cards.length > 0) {
        deps.queue.cards(cards.map((c) => {
          const ext = c.extension['org.facet-pt-cds']
          return { cardUuid: c.uuid, ruleId: ext.rule, variant: ext.variant ?? null, ruleVersion: ext.version, service, hookInstance: hookInstance ?? '', issuedAt: at }
        }))
        for (const c of cards) deps.metrics.card(c.extension['org.facet-pt-cds'].rule, c.indicator)
      }
      if (evaluation !== undefined) {
        const supplied = (request.body as { prefetch?: Record<string, unknown> }).prefetch ?? {}
        const def = catalog.services.get(evaluation.service)?.prefetch ?? {}
        for (const key of Object.keys(def)) {
          deps.metrics.prefetch(evaluation.service, key, evaluation.unavailableKeys.includes(key) ? 'unavailable' : key in supplied ? 'supplied' : 'absent')
        }
      }
      if (NOT_AUDITED.has(status)) return
      deps.queue.audit({
        id: deps.newId(),
        at,
        service: service === 'unknown' ? rawId.slice(0, MAX_ID).replaceAll('\u0000', '') : service,
        hook: evaluation?.hook ?? idField(request.body, 'hook'),
        hookInstance,
        status,
        durationMs,
        catalogHash: catalog.hash,
        rulesFired: evaluation === undefined ? [] : evaluation.run.outcomes.filter((o) => o.outcome === 'fired').map((o) => `${o.key}@${o.rule.rule.version}`),
        cardUuids: cards.map((c) => c.uuid)
      })
    } catch (err) {
      request.log.error({ err }, 'audit record failed')
    }
  })

  return (request, evaluation) => { evaluations.set(request, evaluation) }
}
