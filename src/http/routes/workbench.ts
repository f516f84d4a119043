// GET /workbench/: the workbench page (built into dist/workbench by npm run build) served by the
// service itself, with a CSP of its own (same-origin scripts, styles, fetches; nothing inline, no
// frames), and GET /workbench/session: what the page needs to know before calling the tools.
// The page holds no secret: under AUTH_MODE=jwt it asks for ADMIN_TOKEN and sends it to the tools.

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { Config } from '../../config.js'
import type { CatalogHolder } from '../../rules/catalog-holder.js'
import { operationOutcome } from '../outcome.js'

export const DEFAULT_WORKBENCH_DIR = fileURLToPath(new URL('../../../dist/workbench/', import.meta.url))

export const WORKBENCH_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"
].join('; ')

const SessionSchema = Type.Object({
  authMode: Type.Union([Type.Literal('jwt'), Type.Literal('off')]),
  adminTokenConfigured: Type.Boolean(),
  catalog: Type.String(),
  rules: Type.Integer(),
  profile: Type.String(),
  profiles: Type.Array(Type.String())
})

export interface WorkbenchRouteDeps { config: Config, catalogs: CatalogHolder }

export async function workbenchRoutes (app: FastifyInstance, deps: WorkbenchRouteDeps): Promise<void> {
  if (!deps.config.WORKBENCH_ENABLED) return
  const dir = deps.config.WORKBENCH_DIR === '' ? DEFAULT_WORKBENCH_DIR : deps.config.WORKBENCH_DIR
  const built = existsSync(join(dir, 'index.html'))

  app.get('/workbench/session', { config: { jwtAuth: false }, schema: { response: { 200: SessionSchema } } }, async () => {
    const catalog = deps.catalogs.current()
    return {
      authMode: deps.config.AUTH_MODE,
      adminTokenConfigured: deps.config.ADMIN_TOKEN !== '',
      catalog: catalog.hash,
      rules: catalog.content.rules.length,
      profile: deps.config.EVIDENCE_PROFILE,
      profiles: [...catalog.profiles.keys()]
    }
  })
  app.get('/workbench', { config: { jwtAuth: false } }, async (_request, reply) => await reply.redirect('/workbench/'))

  await app.register(async (scope) => {
    // The page's files are public (no data, no secret): no CDS client JWT for any route of this scope.
    scope.addHook('onRoute', (route) => { route.config = { ...(route.config as object | undefined), jwtAuth: false } })
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', WORKBENCH_CSP)
      return payload
    })
    if (!built) {
      scope.get('/*', async (_request, reply) => await reply.code(503)
        .type('application/fhir+json')
        .send(operationOutcome('not-found', [{ expression: 'url', diagnostics: `the workbench is not built (no ${dir}index.html): run npm run build` }])))
      return
    }
    await scope.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      index: ['index.html'],
      decorateReply: false,
      cacheControl: true,
      maxAge: 0,
      serveDotFiles: false
    })
  }, { prefix: '/workbench' })
}
