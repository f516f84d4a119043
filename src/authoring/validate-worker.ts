// Worker-thread entry of POST /rules/validate: validating posted content compiles a catalog and
// runs cases (seconds for a large body), so it runs here, off the event loop that answers EHRs.
// Messages: {id, body, now, hash, content?} in (content only when the running catalog changed),
// {id, report} or {id, error: {code, message, issues}} out.

import { parentPort } from 'node:worker_threads'
import { DomainError } from '../errors.js'
import type { CatalogContent } from '../rules/types.js'
import { validatePosted } from './validate-posted.js'

export interface ValidateJob { id: number, body: unknown, now: string, hash: string, content?: CatalogContent }

let running: { hash: string, content: CatalogContent } | undefined

parentPort?.on('message', (job: ValidateJob) => {
  if (job.content !== undefined) running = { hash: job.hash, content: job.content }
  const port = parentPort
  if (port === null) return
  if (running?.hash !== job.hash) {
    port.postMessage({ id: job.id, error: { code: 'stale', message: 'the worker does not hold the running catalog' } })
    return
  }
  validatePosted(job.body, running, new Date(job.now)).then(
    (report) => { port.postMessage({ id: job.id, report }) },
    (err: unknown) => {
      const error = err instanceof DomainError
        ? { code: err.code, message: err.message, issues: err.issues }
        : { code: 'exception', message: err instanceof Error ? err.message : String(err) }
      port.postMessage({ id: job.id, error })
    })
})
