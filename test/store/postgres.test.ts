import t from 'tap'
import pg from 'pg'
import { MIGRATIONS } from '../../src/store/migrations.js'
import { openStore } from '../../src/store/open.js'
import { TEST_POSTGRES_URL } from '../helper.js'
import { storeContract } from './contract.js'

if (TEST_POSTGRES_URL === undefined) {
  await t.test('PostgreSQL store', { skip: 'SKIPPED: TEST_POSTGRES_URL is not set (.ci/run installs and starts a PostgreSQL and sets it; see .ci/postgres.sh)' }, () => {})
} else {
  const url = TEST_POSTGRES_URL
  await t.test('PostgreSQL store (fresh schema)', async (t) => {
    // Each run gets its own schema so runs never see each other's rows.
    const schema = `t_${process.pid}_${Date.now()}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`CREATE SCHEMA ${schema}`)
    t.teardown(async () => { await admin.query(`DROP SCHEMA ${schema} CASCADE`); await admin.end() })
    const scoped = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`
    await storeContract(t, async () => await openStore(scoped))
    await t.test('several replicas migrating at once', async (t) => {
      const stores = await Promise.all([1, 2, 3].map(async () => await openStore(scoped)))
      for (const s of stores) await s.close()
      const { rows } = await admin.query(`SELECT version FROM ${schema}.schema_migrations`)
      t.same(rows.map((r: { version: number }) => r.version).sort(), MIGRATIONS.map((m) => m.version), 'each migration applied once')
    })
  })
}
