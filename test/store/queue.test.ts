import t from 'tap'
import { WriteQueue } from '../../src/store/queue.js'
import type { Store, TimeseriesQuery, WriteBatch } from '../../src/store/types.js'
import { audit, card, fb } from './contract.js'

function recordingStore (
  opts: { fail?: (batch: WriteBatch) => boolean, gate?: Promise<void> } = {}
): Store & { batches: WriteBatch[] } {
  const batches: WriteBatch[] = []
  return {
    kind: 'sqlite',
    batches,
    migrate: async () => {},
    write: async (b) => {
      await opts.gate
      if (opts.fail?.(b) === true) throw new Error('boom')
      batches.push(b)
      return { unknownFeedback: 0 }
    },
    probe: async () => {},
    rememberJti: async () => true,
    summary: async () => ({ since: null, service: null, rules: [], unknownCardFeedback: 0 }),
    timeseries: async (q: TimeseriesQuery) => ({ bucket: q.bucket, since: q.since, series: [] }),
    feedback: async () => [],
    audits: async () => [],
    issuedCards: async () => [],
    close: async () => {}
  }
}

await t.test('rows are batched: one write per batchSize rows, the rest on the timer or drain', async (t) => {
  const store = recordingStore()
  const q = new WriteQueue(store, { batchSize: 10, intervalMs: 60_000 })
  q.cards(Array.from({ length: 25 }, (_, i) => card(`c${i}`, 'SAFE-01')))
  q.audit(audit('a1', 200))
  t.equal(q.depth, 26, 'enqueue is synchronous; depth counts the rows')
  await q.drain()
  t.same(store.batches.map((b) => b.cards.length + b.audits.length), [10, 10, 6], 'full batches at once, the remainder on drain')
  t.equal(q.depth, 0)
})

await t.test('the timer flushes a partial batch', async (t) => {
  const store = recordingStore()
  const q = new WriteQueue(store, { batchSize: 100, intervalMs: 5 })
  q.audit(audit('a1', 200))
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(store.batches.length, 1, 'written without drain')
})

await t.test('one write in flight; a failed batch is kept and retried, not lost', async (t) => {
  let open!: () => void
  const gate = new Promise<void>((resolve) => { open = resolve })
  let failing = true
  const store = recordingStore({ gate, fail: () => failing })
  const errors: Array<{ rows: number, retrying: number }> = []
  const dropped: number[] = []
  const q = new WriteQueue(store, {
    batchSize: 1,
    intervalMs: 60_000,
    retryMinMs: 60_000,
    onError: (_err, info) => errors.push(info),
    onDropped: (n) => dropped.push(n)
  })
  q.audit(audit('first', 200))
  q.audit(audit('second', 200))
  t.equal(q.depth, 2)
  open()
  await q.drain()
  t.same(errors.map((e) => [e.rows, e.retrying]), [[1, 1]], 'drain stops at the first failure; the row is kept for a retry')
  t.equal(q.depth, 2, 'nothing lost while the store is down')
  await q.drain()
  t.equal(q.depth, 2, 'still kept after another failed attempt')
  failing = false
  await q.drain()
  t.same(store.batches.flatMap((b) => b.audits.map((a) => a.id)), ['first', 'second'], 'written in order once the store is back')
  t.same(dropped, [], 'nothing dropped')
  t.equal(q.depth, 0)
})

await t.test('after a failure the queue retries by itself, with backoff', async (t) => {
  let failures = 2
  const store = recordingStore({ fail: () => failures-- > 0 })
  let written!: () => void
  const done = new Promise<void>((resolve) => { written = resolve })
  const errors: number[] = []
  const q = new WriteQueue(store, {
    batchSize: 100,
    intervalMs: 1,
    retryMinMs: 1,
    retryMaxMs: 4,
    onError: (_e, info) => errors.push(info.retrying),
    onWritten: () => written()
  })
  // The queue's timers do not hold the process open (a server does): this one does, for the test.
  const alive = setInterval(() => {}, 1000)
  t.teardown(() => { clearInterval(alive) })
  q.audit(audit('a1', 200))
  await done
  t.same(errors, [1, 1], 'two failed attempts, each keeping the row')
  t.same(store.batches.flatMap((b) => b.audits.map((a) => a.id)), ['a1'])
})

await t.test('a row the store refuses is isolated and dropped; the rest of its batch is written', async (t) => {
  const refused = Object.assign(new Error('NOT NULL constraint failed'), { code: 'SQLITE_CONSTRAINT_NOTNULL' })
  const store = recordingStore()
  store.write = async (b) => {
    if (b.audits.some((a) => a.id === 'poison')) throw refused
    store.batches.push(b)
    return { unknownFeedback: 0 }
  }
  const dropped: Array<[number, string]> = []
  const q = new WriteQueue(store, {
    batchSize: 100,
    intervalMs: 60_000,
    onDropped: (n, reason) => dropped.push([n, reason])
  })
  q.audit(audit('a1', 200))
  q.audit(audit('poison', 200))
  q.audit(audit('a2', 200))
  await q.drain()
  t.same(store.batches.flatMap((b) => b.audits.map((a) => a.id)), ['a1', 'a2'], 'the good rows are written, one per batch while isolating')
  t.same(dropped, [[1, 'refused']], 'only the refused row is given up, and reported')
  t.equal(q.depth, 0)
})
await t.test('a full queue drops and reports instead of growing without bound', async (t) => {
  const store = recordingStore()
  const dropped: number[] = []
  const q = new WriteQueue(store, {
    batchSize: 1000,
    maxRows: 5,
    intervalMs: 60_000,
    onDropped: (n) => dropped.push(n)
  })
  q.cards(Array.from({ length: 8 }, (_, i) => card(`c${i}`, 'SAFE-01')))
  t.same(dropped, [3])
  t.equal(q.depth, 5)
  await q.close()
  t.equal(store.batches[0]?.cards.length, 5)
})

await t.test('a store down at close: the buffered rows are reported lost (shutdown)', async (t) => {
  const store = recordingStore({ fail: () => true })
  const dropped: Array<[number, string]> = []
  const q = new WriteQueue(store, {
    batchSize: 100,
    intervalMs: 60_000,
    retryMinMs: 60_000,
    onDropped: (n, reason) => dropped.push([n, reason])
  })
  q.cards([card('c1', 'SAFE-01'), card('c2', 'SAFE-01')])
  await q.close()
  t.same(dropped, [[2, 'shutdown']])
  t.equal(q.depth, 0)
})

await t.test('enqueueDurable resolves only once the batch holding the rows has committed', async (t) => {
  let open!: () => void
  const gate = new Promise<void>((resolve) => { open = resolve })
  const store = recordingStore({ gate })
  const q = new WriteQueue(store, { batchSize: 100, intervalMs: 60_000 })
  q.cards([card('c1', 'SAFE-01')])
  let settled = false
  const acknowledged = q.enqueueDurable([fb('c1', 'accepted'), fb('c1', 'overridden')]).then(() => { settled = true })
  await new Promise((resolve) => setImmediate(resolve))
  t.notOk(settled, 'not resolved while the write is in flight')
  open()
  await acknowledged
  t.equal(store.batches.length, 1, 'written at once, without waiting for the timer')
  t.same(store.batches[0]?.cards.map((c) => c.cardUuid), ['c1'], 'the card queued before it is in the same transaction, ahead of it')
  t.equal(store.batches[0]?.feedback.length, 2)
})

await t.test('concurrent durable requests share one commit (group commit); a request is never split', async (t) => {
  let open!: () => void
  const gate = new Promise<void>((resolve) => { open = resolve })
  const store = recordingStore({ gate })
  const q = new WriteQueue(store, { batchSize: 3, intervalMs: 60_000 })
  const first = q.enqueueDurable([fb('x', 'overridden')])
  const others = [q.enqueueDurable([fb('a', 'overridden'), fb('a', 'overridden')]), q.enqueueDurable([fb('b', 'overridden'), fb('b', 'overridden'), fb('b', 'overridden')])]
  open()
  await Promise.all([first, ...others])
  t.same(store.batches.map((b) => b.feedback.map((f) => f.cardUuid).join('')), ['x', 'aabbb'], 'the requests that arrived during a write go together in the next; the 3-row request is not split')
})

await t.test('enqueueDurable rejects when the store cannot commit; background rows of the batch are kept', async (t) => {
  let failing = true
  const store = recordingStore({ fail: () => failing })
  const q = new WriteQueue(store, { batchSize: 100, intervalMs: 60_000, retryMinMs: 60_000 })
  q.audit(audit('a1', 200))
  await t.rejects(q.enqueueDurable([fb('c1', 'overridden')]), /boom/, 'the caller hears of the failure (and answers 503)')
  t.equal(q.depth, 1, 'the audit row stays for a retry; the feedback row is not retried behind the caller\'s back')
  failing = false
  await q.enqueueDurable([fb('c2', 'overridden')])
  t.same(store.batches.map((b) => [b.audits.length, b.feedback.map((f) => f.cardUuid)]), [[1, ['c2']]], 'a durable write goes at once even during a backoff, and takes the kept rows with it')
})

await t.test('a refused feedback row fails only its own request, not the others in the batch', async (t) => {
  const store = recordingStore()
  let open!: () => void
  const gate = new Promise<void>((resolve) => { open = resolve })
  store.write = async (b) => {
    await gate
    if (b.feedback.some((f) => f.cardUuid === 'bad')) throw Object.assign(new Error('invalid byte sequence'), { code: '22021' })
    store.batches.push(b)
    return { unknownFeedback: 0 }
  }
  const q = new WriteQueue(store, { batchSize: 100, intervalMs: 60_000 })
  const lead = q.enqueueDurable([fb('lead', 'accepted')])
  const bad = q.enqueueDurable([fb('bad', 'overridden')])
  const good = q.enqueueDurable([fb('good', 'overridden')])
  open()
  await lead
  await t.rejects(bad, /invalid byte sequence/)
  await good
  t.same(store.batches.flatMap((b) => b.feedback.map((f) => f.cardUuid)), ['lead', 'good'])
})

await t.test('flush writes what was queued before it, and is not held up by later rows', async (t) => {
  const store = recordingStore()
  const q = new WriteQueue(store, { batchSize: 2, intervalMs: 60_000 })
  q.audit(audit('a1', 200))
  q.audit(audit('a2', 200))
  q.audit(audit('a3', 200))
  const flushed = q.flush()
  q.audit(audit('late', 200))
  await flushed
  const written = store.batches.flatMap((b) => b.audits.map((a) => a.id))
  t.ok(['a1', 'a2', 'a3'].every((id) => written.includes(id)), 'earlier rows written')
  await q.drain()
  t.equal(q.depth, 0)
})

await t.test('a durable caller behind a backlog is rejected when a write fails, not held or spun on', async (t) => {
  let attempts = 0
  const store = recordingStore({ fail: () => { attempts++; return true } })
  const q = new WriteQueue(store, { batchSize: 1, intervalMs: 60_000, retryMinMs: 60_000 })
  for (let i = 0; i < 5; i++) q.audit(audit(`a${i}`, 200))
  await t.rejects(q.enqueueDurable([fb('c1', 'overridden')]), /boom/, 'told at once although its rows were never reached')
  t.equal(attempts, 1, 'one failed attempt, then the backoff')
  t.equal(q.depth, 5, 'the backlog is kept')
})
