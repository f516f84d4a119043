// A loopback JWKS endpoint with real ES384 and RS384 keys generated per test run, and a signer
// for CDS Hooks client JWTs (times relative to the tests' fixed clock).

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose'

export interface TestIssuer {
  iss: string
  jwksUrl: string
  /** Requests served per path. */
  hits: Map<string, number>
  keys: { ES384: CryptoKey, RS384: CryptoKey }
  close: () => Promise<void>
}

export async function startIssuer (iss: string): Promise<TestIssuer> {
  const es = await generateKeyPair('ES384', { extractable: true })
  const rs = await generateKeyPair('RS384', { extractable: true })
  const jwks: { keys: JWK[] } = {
    keys: [
      { ...await exportJWK(es.publicKey), kid: 'es-1', alg: 'ES384', use: 'sig' },
      { ...await exportJWK(rs.publicKey), kid: 'rs-1', alg: 'RS384', use: 'sig' }
    ]
  }
  const hits = new Map<string, number>()
  const server = createServer((req, res) => {
    const path = req.url ?? '/'
    hits.set(path, (hits.get(path) ?? 0) + 1)
    if (path !== '/jwks.json') { res.writeHead(404); res.end(); return }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(jwks))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    iss,
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    hits,
    keys: { ES384: es.privateKey, RS384: rs.privateKey },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

export interface TokenOptions {
  alg?: 'ES384' | 'RS384'
  kid?: string
  key?: CryptoKey | Uint8Array
  header?: Record<string, unknown>
  iss?: string
  aud?: string | string[]
  iat?: number
  exp?: number
  jti?: string | null
  claims?: JWTPayload
}

export async function signToken (issuer: TestIssuer, now: Date, o: TokenOptions = {}): Promise<string> {
  const alg = o.alg ?? 'ES384'
  const nowSec = Math.floor(now.getTime() / 1000)
  const payload: JWTPayload = { ...o.claims, ...(o.jti === null ? {} : { jti: o.jti ?? randomUUID() }) }
  const header = { alg, kid: o.kid ?? (alg === 'ES384' ? 'es-1' : 'rs-1'), typ: 'JWT', ...o.header }
  return await new SignJWT(payload)
    .setProtectedHeader(header as { alg: string })
    .setIssuer(o.iss ?? issuer.iss)
    .setAudience(o.aud ?? 'https://cds.test/cds-services')
    .setIssuedAt(o.iat ?? nowSec)
    .setExpirationTime(o.exp ?? nowSec + 300)
    .sign(o.key ?? issuer.keys[alg])
}
