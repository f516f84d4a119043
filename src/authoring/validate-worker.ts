// Worker-thread entry of the authoring tools: POST /rules/validate (compiles a catalog and runs
// cases: seconds for a large body), POST /rules/what-if (two evaluations per record, up to 200
// records) and the case results of GET /rules/{id} run here, off the event loop that answers EHRs.
// Messages: {id, kind, body, now, hash, content?, loadedAt?} in (content only when the running catalog
// changed), {id, report} or {id, error: {code, message, issues}} out.

import { parentPort } from 'node:worker_threads'
import { DomainError } from '../errors.js'
import { compileCatalog } from '../rules/catalog.js'
import type { Catalog } from '../rules/compiled.js'
import type { CatalogContent } from '../rules/types.js'
import { runAllCases } from './case-runner.js'
import { validatePosted } from './validate-posted.js'
import { type WhatIfBody, whatIf } from './what-if.js'

export type JobKind = 'validate' | 'what-if' | 'cases'

export interface ValidateJob {
  id: number
  kind: JobKind
  body: unknown
  now: string
  hash: string
  /** The evidence profile in force (what-if). */
  profile?: string
  content?: CatalogContent
  loadedAt?: string
}

/** One case's last result, as GET /rules/{id} shows it. */
export interface CaseOutcome { name: string, passed: boolean, status: 'pass' | 'fail' | 'skip', message?: string }

let running: { hash: string, content: CatalogContent, loadedAt: string, compiled?: Catalog } | undefined

function compiled (): Catalog {
  if (running === undefined) throw new Error('no running catalog')
  running.compiled ??= compileCatalog(running.content, running.hash, new Date(running.loadedAt))
  return running.compiled
}

async function answer (job: ValidateJob): Promise<unknown> {
  if (running === undefined) throw new Error('no running catalog')
  switch (job.kind) {
    case 'validate': return await validatePosted(job.body, running, new Date(job.now))
    case 'what-if': return await whatIf(job.body as WhatIfBody, compiled(), { now: new Date(job.now), profile: job.profile ?? '' })
    case 'cases': {
      const results = await runAllCases(compiled(), String(job.body))
      return results.map((r): CaseOutcome => ({
        name: r.name,
        passed: r.status === 'pass',
        status: r.status,
        ...(r.message === undefined ? {} : { message: r.message })
      }))
    }
  }
}

parentPort?.on('message', (job: ValidateJob) => {
  if (job.content !== undefined) running = { hash: job.hash, content: job.content, loadedAt: job.loadedAt ?? job.now }
  const port = parentPort
  if (port === null) return
  if (running?.hash !== job.hash) {
    port.postMessage({ id: job.id, error: { code: 'stale', message: 'the worker does not hold the running catalog' } })
    return
  }
  answer(job).then(
    (report) => { port.postMessage({ id: job.id, report }) },
    (err: unknown) => {
      const error = err instanceof DomainError
        ? { code: err.code, message: err.message, issues: err.issues }
        : { code: 'exception', message: err instanceof Error ? err.message : String(err) }
      port.postMessage({ id: job.id, error })
    })
})
