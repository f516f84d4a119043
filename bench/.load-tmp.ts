import { orderSelect30k, orderSelect300k } from './bodies.js'
import autocannon from 'autocannon'
const body = process.env.BIG ? orderSelect300k() : orderSelect30k()
const url = 'http://127.0.0.1:3911/cds-services/facet-pt-order-select'
await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 10, duration: 2 })
const r = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: Number(process.env.C ?? 10), duration: Number(process.env.DUR ?? 8) })
console.log('req/s', r.requests.average, 'p50', r.latency.p50, 'p99', r.latency.p99, 'non2xx', r.non2xx)
