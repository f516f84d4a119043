import t from 'tap'
import { WriteQueue } from '../../src/store/queue.js'
import type { Store, WriteBatch } from '../../src/store/types.js'
import { audit, card } from './contract.js'

function recordingStore (opts: { fail?: (batch: WriteBatch) => boolean, gate?: Promise<void> } = {}): Store & { batches: WriteBatch[] } {
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
    summary: async () => ({ since: null, service: null, rules: [], unknownCardFeedback: 0 }),
    feedback: async () => [],
    audits: async () => [],
    issuedCards: async () => [],
    close: async () => {}
  }
}

t.test('rows are batched: one write per batchSize rows, the rest on the timer or drain', async (t) => {
  const store = recordingStore()
  const q = new WriteQueue(store, { batchSize: 10, intervalMs: 60_000 })
  q.cards(Array.from({ length: 25 }, (_, i) => card(`c${i}`, 'SAFE-01')))
  q.audit(audit('a1', 200))
  t.equal(q.depth, 26, 'enqueue is synchronous; depth counts the rows')
  await q.drain()
  t.same(store.batches.map((b) => b.cards.length + b.audits.length), [10, 10, 6], 'full batches at once, the remainder on drain')
  t.equal(q.depth, 0)
})

t.test('the timer flushes a partial batch', async (t) => {
  const store = recordingStore()
  const q = new WriteQueue(store, { batchSize: 100, intervalMs: 5 })
  q.audit(audit('a1', 200))
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(store.batches.length, 1, 'written without drain')
})

t.test('one write in flight; a failed batch is reported and the next still written', async (t) => {
  let open!: () => void
  const gate = new Promise<void>((resolve) => { open = resolve })
  const store = recordingStore({ gate, fail: (b) => b.audits.some((a) => a.id === 'bad') })
  const errors: number[] = []
  const q = new WriteQueue(store, { batchSize: 1, intervalMs: 60_000, onError: (_err, rows) => errors.push(rows) })
  q.audit(audit('bad', 200))
  q.audit(audit('good', 200))
  t.equal(q.depth, 2)
  open()
  await q.drain()
  t.same(errors, [1], 'the failed batch was counted with its row count')
  t.same(store.batches.flatMap((b) => b.audits.map((a) => a.id)), ['good'])
})

t.test('a full queue drops and reports instead of growing without bound', async (t) => {
  const store = recordingStore()
  const dropped: number[] = []
  const q = new WriteQueue(store, { batchSize: 1000, maxRows: 5, intervalMs: 60_000, onDropped: (n) => dropped.push(n) })
  q.cards(Array.from({ length: 8 }, (_, i) => card(`c${i}`, 'SAFE-01')))
  t.same(dropped, [3])
  t.equal(q.depth, 5)
  await q.close()
  t.equal(store.batches[0]?.cards.length, 5)
})

t.test('flush writes what was queued before it, and is not held up by later rows', async (t) => {
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
