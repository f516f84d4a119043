// Where the service's CPU goes under load: the built service runs with --cpu-prof while
// autocannon drives the ~30 KB order-select (BODY=300k for the ~360 KB one) at c=10; the profile
// is summarised by owner (our source directories, each npm package, Node internals, GC) and by
// function, as a share of busy (non-idle) time. Run: npm run bench:profile

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { orderSelect300k, orderSelect30k } from './bodies.js'
import { freshBenchDatabase } from './bench-db.js'
import { start, stop } from './service-process.js'

const PORT = 3904
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
const body = process.env.BODY === '300k' ? orderSelect300k() : orderSelect30k()
const dir = mkdtempSync(join(tmpdir(), 'facet-pt-cds-profile-'))
const db = freshBenchDatabase()
const { child } = await start(['--cpu-prof', `--cpu-prof-dir=${dir}`, 'dist/main.js'],
  { PORT: String(PORT), LOG_LEVEL: 'info', RATE_LIMIT_PER_SECOND: '100000000', OVERLOAD_MAX_DELAY_MS: '0', DATABASE_URL: db.url }, PORT)
const url = `http://127.0.0.1:${PORT}/cds-services/facet-pt-order-select`
try {
  const load = async (duration: number): Promise<autocannon.Result> =>
    await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 10, duration })
  await load(2) // warm-up (JIT), also in the profile
  const r = await load(SECONDS)
  console.log(`${Math.round(body.length / 1024)} KB order-select, c=10, ${SECONDS} s under the profiler: ${Math.round(r.requests.average)} req/s (the profiler slows the service)`)
} finally {
  await stop(child, 'SIGINT') // graceful close: Node writes the profile on exit
  db.remove()
}

interface Node { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
if (file === undefined) throw new Error('no profile written')
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: Node[], samples: number[], timeDeltas: number[] }
rmSync(dir, { recursive: true, force: true })

const selfMs = new Map<number, number>()
profile.samples.forEach((id, i) => { selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000) })
function owner (n: Node): string {
  const { url: u, functionName } = n.callFrame
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)
  if (pkg !== null) return pkg[1] as string
  const ours = /\/dist\/([^/]+\/)?/.exec(u)
  if (ours !== null) return `src/${ours[1] ?? ''}`
  if (u.startsWith('node:')) return 'node internals'
  if (functionName === '(garbage collector)') return 'GC'
  if (functionName === '(idle)') return 'idle'
  return functionName === '' ? '(native)' : functionName.startsWith('RegExp:') ? 'RegExp (body poisoning checks)' : functionName
}
const byOwner = new Map<string, number>()
const byFunction = new Map<string, number>()
let busy = 0
for (const n of profile.nodes) {
  const ms = selfMs.get(n.id) ?? 0
  const who = owner(n)
  if (who === 'idle') continue
  busy += ms
  byOwner.set(who, (byOwner.get(who) ?? 0) + ms)
  const where = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, 'dist/')}:${n.callFrame.lineNumber + 1}`
  byFunction.set(where, (byFunction.get(where) ?? 0) + ms)
}
const top = (m: Map<string, number>, k: number): string => [...m].sort((a, b) => b[1] - a[1]).slice(0, k)
  .map(([name, ms]) => `  ${(ms / busy * 100).toFixed(1).padStart(5)} %  ${name}`).join('\n')
console.log(`busy CPU ${Math.round(busy)} ms; by owner:\n${top(byOwner, 18)}\nby function (self time):\n${top(byFunction, 15)}`)
