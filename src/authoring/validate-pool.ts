// Runs POST /rules/validate, POST /rules/what-if and the case results of GET /rules/{id} in one
// worker thread (src/authoring/validate-worker.ts), one job at a time, so a large posted rule or
// 200 what-if records never block the hook calls on the main thread. The worker is
// started on first use, keeps the running catalog's content (sent again only when its hash
// changes) and is restarted if it dies. Under tsx (development, tests) the worker loads the
// TypeScript source through tsx's loader; the built service runs dist/ JavaScript.

import { Worker } from 'node:worker_threads'
import { DomainError, type DomainErrorCode, type IssueLocation } from '../errors.js'
import type { Catalog } from '../rules/compiled.js'
import type { ValidationReport } from './validate-posted.js'
import type { CaseOutcome, JobKind, ValidateJob } from './validate-worker.js'
import type { WhatIfBody, WhatIfReport } from './what-if.js'

interface Reply {
  id: number
  report?: unknown
  error?: { code: string, message: string, issues?: IssueLocation[] }
}
interface Pending { resolve: (r: unknown) => void, reject: (e: Error) => void }

const WORKER_URL = new URL(`./validate-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)
const DOMAIN_CODES = new Set<string>([
  'invalid-request', 'invalid-bundle', 'invalid-rules', 'unknown-service', 'unknown-rule', 'prefetch-unobtainable'
])

function startWorker (): Worker {
  if (!WORKER_URL.pathname.endsWith('.ts')) return new Worker(WORKER_URL)
  const api = import.meta.resolve('tsx/esm/api')
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}) })`
  return new Worker(boot, { eval: true })
}

export class PostedValidator {
  private worker: Worker | undefined
  private workerHash: string | undefined
  private next = 1
  private readonly pending = new Map<number, Pending>()
  private cases: { hash: string, byRule: Map<string, Promise<CaseOutcome[]>> } = { hash: '', byRule: new Map() }
  private chain: Promise<unknown> = Promise.resolve()

  /** Validates in the worker; jobs run one after another. DomainErrors thrown there are rethrown here. */
  async validate (body: unknown, running: Catalog, now: Date): Promise<ValidationReport> {
    return await this.queue('validate', body, running, now) as ValidationReport
  }

  /** Records evaluated with the catalog in force and with the edit (never applied to it). */
  async whatIf (body: WhatIfBody, running: Catalog, now: Date, profile: string): Promise<WhatIfReport> {
    return await this.queue('what-if', body, running, now, profile) as WhatIfReport
  }

  /** The results of one rule's cases against the catalog in force, cached per catalog hash. */
  async caseResults (ruleId: string, running: Catalog, now: Date): Promise<CaseOutcome[]> {
    if (this.cases.hash !== running.hash) this.cases = { hash: running.hash, byRule: new Map() }
    const cache = this.cases.byRule
    let results = cache.get(ruleId)
    if (results === undefined) {
      results = this.queue('cases', ruleId, running, now) as Promise<CaseOutcome[]>
      cache.set(ruleId, results)
      results.catch(() => { cache.delete(ruleId) })
    }
    return await results
  }

  private queue (kind: JobKind, body: unknown, running: Catalog, now: Date, profile?: string): Promise<unknown> {
    const job = this.chain.then(async () => await this.run(kind, body, running, now, profile))
    this.chain = job.catch(() => undefined)
    return job
  }

  async close (): Promise<void> {
    const w = this.worker
    this.worker = undefined
    if (w !== undefined) await w.terminate()
  }

  private ensureWorker (): Worker {
    if (this.worker !== undefined) return this.worker
    const w = startWorker()
    w.unref()
    w.on('message', (m: Reply) => { this.settle(m) })
    const fail = (err: Error): void => {
      if (this.worker === w) { this.worker = undefined; this.workerHash = undefined }
      for (const p of this.pending.values()) p.reject(err)
      this.pending.clear()
    }
    w.on('error', fail)
    w.on('exit', (code) => { fail(new Error(`the validation worker exited (${code})`)) })
    this.worker = w
    return w
  }

  private settle (m: Reply): void {
    const p = this.pending.get(m.id)
    if (p === undefined) return
    this.pending.delete(m.id)
    if (m.report !== undefined) { p.resolve(m.report); return }
    const e = m.error ?? { code: 'exception', message: 'no answer' }
    p.reject(DOMAIN_CODES.has(e.code)
      ? new DomainError(e.code as DomainErrorCode, e.message, e.issues)
      : new Error(e.message))
  }

  private async run (kind: JobKind, body: unknown, running: Catalog, now: Date, profile?: string): Promise<unknown> {
    const w = this.ensureWorker()
    const id = this.next++
    const job: ValidateJob = {
      id, kind, body, now: now.toISOString(), hash: running.hash, ...(profile === undefined ? {} : { profile })
    }
    if (this.workerHash !== running.hash) { job.content = running.content; job.loadedAt = running.loadedAt }
    const answer = new Promise<unknown>((resolve, reject) => { this.pending.set(id, { resolve, reject }) })
    w.postMessage(job)
    this.workerHash = running.hash
    return await answer
  }
}
