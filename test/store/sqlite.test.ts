import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { openStore, parseDatabaseUrl } from '../../src/store/open.js'
import { tempDir } from '../helper.js'
import { storeContract } from './contract.js'

t.test('DATABASE_URL parsing', async (t) => {
  t.same(parseDatabaseUrl('sqlite:./data/x.db', '/srv'), { kind: 'sqlite', file: '/srv/data/x.db' }, 'relative to the working directory')
  t.same(parseDatabaseUrl('sqlite:/var/lib/x.db', '/srv'), { kind: 'sqlite', file: '/var/lib/x.db' })
  t.same(parseDatabaseUrl('sqlite:///var/lib/x.db', '/srv'), { kind: 'sqlite', file: '/var/lib/x.db' })
  t.same(parseDatabaseUrl('sqlite::memory:'), { kind: 'sqlite', file: ':memory:' })
  t.same(parseDatabaseUrl('postgres://u:p@db:5432/cds'), { kind: 'postgres', url: 'postgres://u:p@db:5432/cds' })
  t.same(parseDatabaseUrl('postgresql://db/cds'), { kind: 'postgres', url: 'postgresql://db/cds' })
  t.throws(() => parseDatabaseUrl('mysql://db'), /sqlite: or postgres:/)
  t.throws(() => parseDatabaseUrl('sqlite:'), /needs a file/)
})

t.test('SQLite store (temp file)', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'nested', 'dir', 'cds.db')
  await storeContract(t, async () => await openStore(`sqlite:${file}`))
  t.ok(existsSync(file), 'the file and its directory were created on first start')
  t.ok(existsSync(`${file}-wal`), 'WAL journal')
})

t.test('SQLite store keeps its rows across a reopen', async (t) => {
  const file = join(tempDir(t), 'cds.db')
  const a = await openStore(`sqlite:${file}`)
  await a.write({ cards: [{ cardUuid: 'k1', ruleId: 'SAFE-01', variant: null, ruleVersion: '1.0.0', service: 's', hookInstance: 'h', issuedAt: '2026-11-29T10:00:00.000Z' }], audits: [], feedback: [] })
  await a.close()
  const b = await openStore(`sqlite:${file}`)
  t.teardown(async () => { await b.close() })
  t.equal((await b.issuedCards()).length, 1)
})
