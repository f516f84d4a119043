// Builds the Fastify instance from a config object and a loaded catalog. Tests use this with
// inject(); src/main.ts is the only place that listens and reads the environment.

import { randomUUID } from 'node:crypto'
import Fastify, { LogController, type FastifyInstance, type FastifySchema } from 'fastify'
import type { DestinationStream } from 'pino'
import type { FhirFetcher } from './fhir/fetcher.js'
import type { NewId } from './cds/types.js'
import { type Config, rateLimitOf } from './config.js'
import type { Catalog } from './rules/compiled.js'
import { CatalogHolder } from './rules/catalog-holder.js'
import { authSettingsProblems, parseTrustedIssuers } from './auth/trusted-issuers.js'
import { createFhirClient } from './fhir/fhir-client.js'
import { createFhirServerPolicy } from './auth/fhir-server-policy.js'
import { registerJwtAuth } from './http/auth.js'
import { registerErrorHandling } from './http/error-handler.js'
import { RefusalLog, registerHeadersAndCors, registerOverloadProtection, registerRateLimit } from './http/hardening.js'
import { registerBodyLimits } from './http/limits.js'
import { clientErrorHandler, registerJsonParsers } from './http/body-guard.js'
import type { Semaphore } from './http/semaphore.js'
import { loggerOptions } from './http/logger.js'
import { discoveryRoutes } from './http/routes/discovery.js'
import { healthRoutes } from './http/routes/health.js'
import { hookRoutes } from './http/routes/hooks.js'
import { evaluateRoutes } from './http/routes/evaluate.js'
import { rulesRoutes } from './http/routes/rules.js'
import { ruleToolRoutes } from './http/routes/rule-tools.js'
import { docsRoutes } from './http/routes/docs.js'
import { workbenchRoutes } from './http/routes/workbench.js'
import { Reloader } from './authoring/reload.js'
import { PostedValidator } from './authoring/validate-pool.js'
import { watchRules } from './authoring/watch.js'
import { hookAudit } from './http/hook-audit.js'
import { feedbackRoutes } from './http/routes/feedback.js'
import { metricsRoutes } from './http/routes/metrics.js'
import { Metrics } from './metrics.js'
import { openStore } from './store/open.js'
import { StoreHealth } from './store/health.js'
import { WriteQueue, type QueueOptions } from './store/queue.js'
import type { Store } from './store/types.js'

export interface AppOptions {
  config: Config
  catalog: Catalog
  clock?: () => Date
  newId?: NewId
  logStream?: DestinationStream
  fetcher?: FhirFetcher
  /** Extra overload probe for under-pressure (tests force the 503 path with it). */
  overloadCheck?: () => Promise<boolean>
  /** The event-loop delay the shedding reads (tests set it; default: measured by under-pressure). */
  overloadDelayMs?: () => number
  /** Feedback/audit store; default: opened (and migrated) from config.DATABASE_URL and closed with the app. */
  store?: Store
  /** Per-app Prometheus metrics; pass one to share it with the FHIR client (metrics.fhirFetch). */
  metrics?: Metrics
  queue?: Pick<QueueOptions, 'intervalMs' | 'batchSize' | 'maxRows' | 'retryMinMs' | 'retryMaxMs'>
}

export interface App {
  app: FastifyInstance
  catalogs: CatalogHolder
  /** Every route with its schema (test/openapi-schemas.test.ts checks openapi.yaml against them). */
  routes: Array<{ method: string, url: string, schema?: FastifySchema }>
  store: Store
  queue: WriteQueue
  metrics: Metrics
  /** The gate of large JSON bodies (parsed and evaluated a few at a time). */
  largeBodies: Semaphore
  storeHealth: StoreHealth
}

export async function buildApp (opts: AppOptions): Promise<App> {
  const { config } = opts
  const app = Fastify({
    logger: loggerOptions(config.LOG_LEVEL, opts.logStream),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.BODY_LIMIT_BYTES,
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    // Node checks these timeouts on this interval (default 30 s): a trickling body is cut within 1 s of the
    // limit. headersTimeout must not exceed requestTimeout, or Node enforces neither before 60 s.
    http: {
      connectionsCheckingInterval: 1000,
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      headersTimeout: Math.min(config.REQUEST_TIMEOUT_MS, 60_000)
    },
    clientErrorHandler,
    return503OnClosing: true,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Route schemas are TypeBox-built (valid by construction): skip compiling the meta-schema at start.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true, validateSchema: false } }
  })
  if (!opts.catalog.profiles.has(config.EVIDENCE_PROFILE)) {
    throw new Error(`EVIDENCE_PROFILE "${config.EVIDENCE_PROFILE}" is not defined in rules/parameters.json (${[...opts.catalog.profiles.keys()].join(', ')})`)
  }
  const catalogs = new CatalogHolder(opts.catalog)
  const clock = opts.clock ?? (() => new Date())
  const store = opts.store ?? await openStore(config.DATABASE_URL, clock)
  const metrics = opts.metrics ?? new Metrics()
  const storeHealth = new StoreHealth(store, {
    minIntervalMs: config.STORE_PROBE_INTERVAL_MS,
    clock,
    onChange: (state) => {
      metrics.storeProbe(state.writable)
      if (state.writable) app.log.info({ store: store.kind }, 'store writable')
      else app.log.error({ store: store.kind, code: state.error }, 'store cannot write: not ready')
    }
  })
  const queue = new WriteQueue(store, {
    maxRows: config.STORE_BUFFER_MAX_ROWS,
    ...opts.queue,
    // Store errors are logged by message and code only: driver details can echo row values.
    onError: (err, info) => {
      metrics.storeWriteError()
      storeHealth.invalidate()
      const e = err as { message?: string, code?: string }
      app.log.error({ err: { message: String(e.message ?? err), code: e.code }, ...info }, 'store write failed')
    },
    onDropped: (rows, reason) => { metrics.storeRowsDropped(rows, reason); app.log.warn({ rows, reason }, 'store rows lost') },
    onWritten: (result, rows) => {
      metrics.storeRowsWritten(rows)
      metrics.feedbackUnknownCards(result.unknownFeedback)
    }
  })
  metrics.watchQueue(() => queue.depth)
  app.addHook('onClose', async () => {
    await queue.close()
    if (opts.store === undefined) await store.close()
  })
  const routes: App['routes'] = []
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url, ...(r.schema === undefined ? {} : { schema: r.schema }) })
  })
  // EHRs send FHIR JSON as application/fhir+json; parse it like application/json (depth pre-check, large-body gate).
  const largeBodies = registerJsonParsers(app, {
    largeBodyBytes: config.LARGE_BODY_BYTES,
    concurrency: config.LARGE_BODY_CONCURRENCY,
    waitMs: config.REQUEST_TIMEOUT_MS
  })
  registerErrorHandling(app)
  const refusals = new RefusalLog(app.log)
  await registerOverloadProtection(app, {
    maxDelayMs: config.OVERLOAD_MAX_DELAY_MS,
    toolsFraction: config.OVERLOAD_TOOLS_FRACTION,
    metrics,
    refusals,
    ...(opts.overloadCheck === undefined ? {} : { healthCheck: opts.overloadCheck }),
    ...(opts.overloadDelayMs === undefined ? {} : { delayMs: opts.overloadDelayMs })
  })
  await registerHeadersAndCors(app, config.CORS_ORIGINS)
  if (config.AUTH_MODE === 'jwt') {
    const problems = authSettingsProblems(config)
    if (problems.length > 0) throw new Error(`invalid configuration: ${problems.join('; ')}`)
    // jose is loaded only when calls are authenticated.
    const { createJwtVerifier } = await import('./auth/verify-jwt.js')
    // The jti replay check is shared through the store, so a token used on one replica is refused on the others.
    registerJwtAuth(app, createJwtVerifier({
      issuers: parseTrustedIssuers(config.TRUSTED_ISSUERS),
      publicBaseUrl: config.PUBLIC_BASE_URL,
      clock,
      sharedReplay: async (iss, jti, exp, now) => await store.rememberJti(iss, jti, exp, now)
    }), config.ADMIN_TOKEN)
  } else {
    app.log.warn('AUTH_MODE=off: CDS Hooks calls are not authenticated; use only for local development')
  }
  await registerRateLimit(app, { ...rateLimitOf(config), metrics, refusals })
  registerBodyLimits(app)
  let fetcher = opts.fetcher
  if (fetcher === undefined) {
    const client = createFhirClient({
      timeoutMs: config.FHIR_TIMEOUT_MS,
      budgetMs: config.REQUEST_BUDGET_MS,
      maxResponseBytes: config.FHIR_MAX_RESPONSE_BYTES,
      maxResourcesPerKey: config.FHIR_MAX_RESOURCES_PER_KEY,
      onRequest: (ms, ok) => { metrics.fhirFetch(ms, ok) }
    })
    app.addHook('onClose', async () => { await client.close() })
    fetcher = client
  }
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 400) request.log.info({ method: request.method, url: request.url.split('?')[0], statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 100) / 100 }, 'request failed')
  })
  const fhirServerPolicy = createFhirServerPolicy(config)
  for (const warning of fhirServerPolicy.warnings) app.log.warn(warning)
  discoveryRoutes(app, catalogs)
  const onEvaluated = hookAudit(app, { catalogs, queue, metrics, clock, newId: randomUUID })
  hookRoutes(app, {
    catalogs,
    clock,
    newId: opts.newId ?? randomUUID,
    profile: config.EVIDENCE_PROFILE,
    onEvaluated,
    fetcher: metrics.instrument(fetcher),
    fhirServerPolicy
  })
  feedbackRoutes(app, { catalogs, store, queue, metrics, clock, newId: randomUUID })
  metricsRoutes(app, metrics)
  healthRoutes(app, catalogs, storeHealth)
  // Tools for integration engineers and rule authors.
  evaluateRoutes(app, { catalogs, clock, newId: opts.newId ?? randomUUID, profile: config.EVIDENCE_PROFILE })
  const reloader = new Reloader(config.RULES_DIR, catalogs, clock, config.EVIDENCE_PROFILE)
  const validator = new PostedValidator()
  app.addHook('onClose', async () => { await validator.close() })
  const rulesDeps = { catalogs, clock, profile: config.EVIDENCE_PROFILE, config, reloader, validator }
  rulesRoutes(app, rulesDeps)
  ruleToolRoutes(app, rulesDeps)
  if (config.RULES_WATCH) {
    const watcher = watchRules(config.RULES_DIR, reloader, (r) => {
      if (r instanceof Error) app.log.error({ err: r }, 'rules watch failed')
      else app.log.info({ swapped: r.swapped, unchanged: r.unchanged, hash: r.hash, problems: r.problems.map((p) => `${p.file}#${p.pointer}: ${p.message}`) }, 'rules watch reload')
    })
    app.addHook('onClose', async () => { watcher.close() })
  }
  await docsRoutes(app)
  await workbenchRoutes(app, { config, catalogs })
  await app.ready()
  return { app, catalogs, routes, store, queue, metrics, largeBodies, storeHealth }
}
