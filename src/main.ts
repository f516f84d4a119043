// Process entry: reads the environment once, loads the rule catalog (a bad catalog stops the
// boot with every located problem), listens, and shuts down gracefully on SIGTERM/SIGINT
// (app.close() stops accepting calls, then drains the store's write queue and closes it).

import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { loadCatalog } from './rules/catalog.js'

const config = loadConfig(process.env)
const loadStarted = performance.now()
const catalog = loadCatalog(config.RULES_DIR, new Date())
const catalogLoadMs = Math.round(performance.now() - loadStarted)
const { app, store } = await buildApp({ config, catalog })

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err !== undefined) app.log.error({ err }, 'closing after an error')
  else app.log.info({ signal }, 'closing')
  await app.close()
})

await app.listen({ host: config.HOST, port: config.PORT })
const address = app.server.address()
// The bound port (PORT=0 picks a free one: tests read it from this line).
const port = typeof address === 'object' && address !== null ? address.port : config.PORT
app.log.info({
  port,
  rules: catalog.content.rules.length,
  catalog: catalog.hash,
  catalogLoadMs,
  profile: config.EVIDENCE_PROFILE,
  store: store.kind
}, 'facet-pt-cds ready')
