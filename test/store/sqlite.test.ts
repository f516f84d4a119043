import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { openStore, parseDatabaseUrl } from '../../src/store/open.js'
import { tempDir } from '../helper.js'
import { card, fb, storeContract } from './contract.js'

await t.test('DATABASE_URL parsing', async (t) => {
  t.same(parseDatabaseUrl('sqlite:./data/x.db', '/srv'), { kind: 'sqlite', file: '/srv/data/x.db' }, 'relative to the working directory')
  t.same(parseDatabaseUrl('sqlite:/var/lib/x.db', '/srv'), { kind: 'sqlite', file: '/var/lib/x.db' })
  t.same(parseDatabaseUrl('sqlite:///var/lib/x.db', '/srv'), { kind: 'sqlite', file: '/var/lib/x.db' })
  t.same(parseDatabaseUrl('sqlite::memory:'), { kind: 'sqlite', file: ':memory:' })
  t.same(parseDatabaseUrl('postgres://u:p@db:5432/cds'), { kind: 'postgres', url: 'postgres://u:p@db:5432/cds' })
  t.same(parseDatabaseUrl('postgresql://db/cds'), { kind: 'postgres', url: 'postgresql://db/cds' })
  t.throws(() => parseDatabaseUrl('mysql://db'), /sqlite: or postgres:/)
  t.throws(() => parseDatabaseUrl('sqlite:'), /needs a file/)
})

await t.test('SQLite store (temp file)', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'nested', 'dir', 'cds.db')
  await storeContract(t, async () => await openStore(`sqlite:${file}`))
  t.ok(existsSync(file), 'the file and its directory were created on first start')
  t.ok(existsSync(`${file}-wal`), 'WAL journal')
})

await t.test('SQLite store keeps its rows across a reopen', async (t) => {
  const file = join(tempDir(t), 'cds.db')
  const a = await openStore(`sqlite:${file}`)
  await a.write({ cards: [{ cardUuid: 'k1', ruleId: 'SAFE-01', variant: null, ruleVersion: '1.0.0', service: 's', hookInstance: 'h', issuedAt: '2026-11-29T10:00:00.000Z' }], audits: [], feedback: [] })
  await a.close()
  const b = await openStore(`sqlite:${file}`)
  t.teardown(async () => { await b.close() })
  t.equal((await b.issuedCards()).length, 1)
})

await t.test('SQLite file deleted under the open store: that call fails, the next reopens the path', async (t) => {
  const file = join(tempDir(t), 'cds.db')
  const store = await openStore(`sqlite:${file}`)
  t.teardown(async () => { await store.close() })
  await store.write({ cards: [card('k1', 'SAFE-01')], audits: [], feedback: [] })
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
  await t.rejects(store.write({ cards: [], audits: [], feedback: [fb('k1', 'accepted')] }), { code: 'STORE_FILE_CHANGED', message: /deleted/ },
    'the write sees the path no longer names the open file: nothing is written to the orphaned file')
  await store.probe()
  t.ok(existsSync(file), 'a new file at the path')
  await store.write({ cards: [], audits: [], feedback: [fb('k1', 'accepted')] })
  const reopened = await openStore(`sqlite:${file}`)
  t.teardown(async () => { await reopened.close() })
  t.equal((await reopened.feedback()).length, 1, 'writes go to the file at the path again')
  t.equal((await reopened.issuedCards()).length, 0, 'the rows of the deleted file are gone with it')
})

await t.test('SQLite file replaced under the open store: the replacement is reopened (and migrated)', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'cds.db')
  const store = await openStore(`sqlite:${file}`)
  t.teardown(async () => { await store.close() })
  const other = await openStore(`sqlite:${join(dir, 'restored.db')}`)
  await other.write({ cards: [card('restored', 'SAFE-01')], audits: [], feedback: [] })
  await other.close()
  for (const suffix of ['-wal', '-shm']) rmSync(`${join(dir, 'restored.db')}${suffix}`, { force: true })
  renameSync(join(dir, 'restored.db'), file)
  await t.rejects(store.write({ cards: [card('k2', 'SAFE-01')], audits: [], feedback: [] }), /replaced/)
  await store.write({ cards: [card('k2', 'SAFE-01')], audits: [], feedback: [] })
  t.same((await store.issuedCards()).map((c) => c.cardUuid).sort(), ['k2', 'restored'], 'reads and writes use the replacement')
})

await t.test('SQLite directory deleted: not recreated, unwritable until it is back', async (t) => {
  const dir = join(tempDir(t), 'data')
  const file = join(dir, 'cds.db')
  const store = await openStore(`sqlite:${file}`)
  t.teardown(async () => { await store.close() })
  rmSync(dir, { recursive: true, force: true })
  await t.rejects(store.probe(), { code: 'STORE_FILE_CHANGED' })
  await t.rejects(store.probe(), { code: 'STORE_FILE_CHANGED', message: /directory is gone/ })
  await t.rejects(store.rememberJti('i', 'j', 2, 1), { code: 'STORE_FILE_CHANGED' }, 'the replay check fails too (callers refuse the call)')
  t.notOk(existsSync(dir), 'the directory was not recreated')
  mkdirSync(dir)
  await store.probe()
  t.ok(existsSync(file), 'reopened once the directory is back')
})

await t.test('SQLite seen_jti: expired ids are pruned', async (t) => {
  const file = join(tempDir(t), 'cds.db')
  const store = await openStore(`sqlite:${file}`)
  t.teardown(async () => { await store.close() })
  const now = 1_800_000_000
  for (let i = 0; i < 5; i++) await store.rememberJti('iss', `old-${i}`, now + 10, now)
  await store.rememberJti('iss', 'live', now + 1000, now + 30)
  const count = (): number => {
    const db = new Database(file, { readonly: true })
    try { return Number((db.prepare('SELECT COUNT(*) AS n FROM seen_jti').get() as { n: number }).n) } finally { db.close() }
  }
  t.equal(count(), 6, 'nothing pruned within the minute')
  await store.rememberJti('iss', 'later', now + 1000, now + 61)
  t.equal(count(), 2, 'the expired ids were deleted; live ones kept')
})
