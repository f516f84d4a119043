import { join } from 'node:path'
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { feedbackCommand, formatSummary } from '../../src/cli/feedback.js'
import { openStore } from '../../src/store/open.js'
import { tempDir } from '../helper.js'
import { card, fb } from './contract.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

await t.test('feedback summary from the CLI reads the same store', async (t) => {
  const url = `sqlite:${join(tempDir(t), 'cds.db')}`
  const store = await openStore(url)
  await store.write({
    cards: [card('c1', 'SAFE-01'), card('c2', 'SAFE-01'), card('c3', 'PT-02', '2026-11-29T10:00:00.000Z', 'facet-pt-patient-view')],
    audits: [],
    feedback: [fb('c1', 'overridden', { reasonCode: 'patient-declined', reasonSystem: 'urn:x' }), fb('c2', 'accepted'), fb('zz', 'overridden')]
  })
  await store.close()

  const run = async (args: string[], env: Record<string, string> = {}) => {
    let out = ''
    const code = await feedbackCommand(args, env, (s) => { out += s })
    return { code, out }
  }
  const text = await run(['summary', '--db', url])
  t.equal(text.code, 0)
  t.match(text.out, /SAFE-01\s+2\s+1\s+1\s+50%\s+patient-declined ×1\s+1\/1/)
  t.match(text.out, /counts are cards/, 'the table says what it counts')
  t.match(text.out, /PT-02\s+1\s+0\s+0\s+-/)
  t.match(text.out, /1 feedback entry about unknown cards/)

  const json = await run(['summary', '--json', '--service', 'facet-pt-patient-view', '--since', '2026-11-01'], { DATABASE_URL: url })
  t.equal(json.code, 0, 'DATABASE_URL from the environment')
  const parsed = JSON.parse(json.out) as { rules: Array<{ rule: string }>, since: string, service: string }
  t.same(parsed.rules.map((r) => r.rule), ['PT-02'])
  t.equal(parsed.since, '2026-11-01T00:00:00.000Z')

  t.equal((await run(['summary', '--db', url, '--since', 'soon'])).code, 2, 'bad --since is a usage error')
  t.equal((await run(['nope'])).code, 2)
  t.match(formatSummary({ since: null, service: null, rules: [], unknownCardFeedback: 0 }), /0 rule\(s\)/)
})

await t.test('the CLI dispatch: rules check still works, feedback summary is reached', async (t) => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: `sqlite:${join(tempDir(t), 'cli.db')}` } })
  const rules = cli('rules', 'check')
  t.equal(rules.status, 0)
  t.match(rules.stdout, /is valid/)
  const summary = cli('feedback', 'summary', '--json')
  t.equal(summary.status, 0, summary.stderr)
  t.same(JSON.parse(summary.stdout).rules, [], 'an empty, freshly migrated store')
  const usage = cli('nope')
  t.equal(usage.status, 2)
  t.match(usage.stderr, /feedback summary/, 'usage lists the feedback command')
})
