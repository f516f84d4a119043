// Runs POST /rules/validate in one worker thread (src/authoring/validate-worker.ts), one job at a
// time, so a large posted rule never blocks the hook calls on the main thread. The worker is
// started on first use, keeps the running catalog's content (sent again only when its hash
// changes) and is restarted if it dies. Under tsx (development, tests) the worker loads the
// TypeScript source through tsx's loader; the built service runs dist/ JavaScript.

import { Worker } from 'node:worker_threads'
import { DomainError, type DomainErrorCode, type IssueLocation } from '../errors.js'
import type { Catalog } from '../rules/compiled.js'
import type { ValidationReport } from './validate-posted.js'
import type { ValidateJob } from './validate-worker.js'

interface Reply {
  id: number
  report?: ValidationReport
  error?: { code: string, message: string, issues?: IssueLocation[] }
}
interface Pending { resolve: (r: ValidationReport) => void, reject: (e: Error) => void }

const WORKER_URL = new URL(`./validate-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)
const DOMAIN_CODES = new Set<string>([
  'invalid-request', 'invalid-bundle', 'invalid-rules', 'unknown-service', 'prefetch-unobtainable'
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
  private chain: Promise<unknown> = Promise.resolve()

  /** Validates in the worker; jobs run one after another. DomainErrors thrown there are rethrown here. */
  validate (body: unknown, running: Catalog, now: Date): Promise<ValidationReport> {
    const job = this.chain.then(async () => await this.run(body, running, now))
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

  private async run (body: unknown, running: Catalog, now: Date): Promise<ValidationReport> {
    const w = this.ensureWorker()
    const id = this.next++
    const job: ValidateJob = { id, body, now: now.toISOString(), hash: running.hash }
    if (this.workerHash !== running.hash) job.content = running.content
    const answer = new Promise<ValidationReport>((resolve, reject) => { this.pending.set(id, { resolve, reject }) })
    w.postMessage(job)
    this.workerHash = running.hash
    return await answer
  }
}
