// Feedback acknowledged is feedback stored: a real service process (tsx src/main.ts, a temp SQLite
// file, PORT=0) answers feedback posts while more are in flight, is killed with SIGKILL, and a
// fresh open of the database finds every entry that was answered 200. (Load shedding and the rate
// limit are lifted: the test machine's load must not turn posts into 503/429.)

import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { openStore } from '../../src/store/open.js'
import { tempDir } from '../helper.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Starts the service and resolves with its port, read from its "facet-pt-cds ready" log line. */
async function startService (env: Record<string, string>): Promise<{ child: ChildProcess, port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', AUTH_MODE: 'off', OVERLOAD_MAX_DELAY_MS: '0', RATE_LIMIT_PER_SECOND: '100000', ...env },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = ''
    child.once('exit', (code, signal) => { reject(new Error(`the service exited before it was ready (${String(code ?? signal)})`)) })
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        try {
          const entry = JSON.parse(line) as { msg?: string, port?: number }
          if (entry.msg === 'facet-pt-cds ready' && typeof entry.port === 'number') resolve(entry.port)
        } catch {}
      }
    })
  })
  child.stdout?.resume()
  return { child, port }
}

await t.test('SIGKILL right after 200s: every acknowledged feedback entry is in the database', async (t) => {
  const file = join(tempDir(t), 'cds.db')
  const { child, port } = await startService({ DATABASE_URL: `sqlite:${file}` })
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => { resolve(signal) }))
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })

  const total = 400
  const killAfter = 250
  const acknowledged: string[] = []
  let next = 0
  let killed = false
  const worker = async (): Promise<void> => {
    while (next < total && !killed) {
      const card = `card-${next++}`
      try {
        const res = await fetch(`http://127.0.0.1:${port}/cds-services/facet-pt-order-select/feedback`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ feedback: [{ card, outcome: 'overridden', outcomeTimestamp: '2026-11-29T10:00:00Z' }] })
        })
        await res.arrayBuffer()
        if (res.status === 200) acknowledged.push(card)
        else t.fail(`feedback answered ${res.status}`)
      } catch {
        // In flight when the process died: never acknowledged, so the client would retry it.
      }
      if (acknowledged.length >= killAfter && !killed) {
        killed = true
        child.kill('SIGKILL')
      }
    }
  }
  // 16 concurrent clients: entries arrive while others are being committed (group commit).
  await Promise.all(Array.from({ length: 16 }, worker))
  t.equal(await exited, 'SIGKILL', 'the service was killed, not shut down')
  t.ok(acknowledged.length >= killAfter, `${acknowledged.length} entries answered 200 before the kill`)

  const store = await openStore(`sqlite:${file}`)
  t.teardown(async () => { await store.close() })
  const stored = new Set((await store.feedback()).map((f) => f.cardUuid))
  const missing = acknowledged.filter((c) => !stored.has(c))
  t.same(missing, [], 'no acknowledged entry is missing')
})
