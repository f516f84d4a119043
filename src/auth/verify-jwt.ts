// CDS Hooks client JWT verification with jose: allow-listed issuers and their JWKS URLs only,
// ES384/RS384, aud = public URL of the endpoint, exp/iat with skew, jti replay cache (in process,
// and shared through the store when `sharedReplay` is given, so a replay to another replica is refused).

import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTVerifyGetKey } from 'jose'
import { AuthError, ReplayCheckUnavailable } from './auth-error.js'
import type { TrustedIssuers } from './trusted-issuers.js'

export const ALGORITHMS = ['ES384', 'RS384']

export interface VerifiedCaller {
  iss: string
  jti: string
  sub?: string
  /** Set only for an issuer configured with `tenants`, and then one of them (the rate-limit key uses it). */
  tenant?: string
}

export interface JwtVerifierOptions {
  issuers: TrustedIssuers
  /** The `aud` expected is this base (no trailing slash) + the request path. */
  publicBaseUrl: string
  clock: () => Date
  skewSeconds?: number
  maxLifetimeSeconds?: number
  replayCacheSize?: number
  /** Key source per JWKS URL; default: jose's remote set (cached, refetch on unknown kid rate limited). */
  keySet?: (jwksUrl: string) => JWTVerifyGetKey
  /**
   * The replay check shared by every instance (Store.rememberJti): true = first use, false = replay;
   * a throw refuses the call with ReplayCheckUnavailable (fail closed). The in-process cache is then
   * only a fast first check.
   */
  sharedReplay?: (iss: string, jti: string, expiresAt: number, now: number) => Promise<boolean>
}

/** jti → expiry (epoch seconds) of every accepted token, dropped once it would be rejected anyway. */
export class ReplayCache {
  private readonly seen = new Map<string, number>()
  constructor (private readonly maxEntries: number) {}

  get size (): number { return this.seen.size }

  /** True when the id was seen and has not expired. */
  has (id: string, now: number): boolean {
    const prior = this.seen.get(id)
    return prior !== undefined && prior >= now
  }

  /** Records the id; false when it was already seen and has not expired. */
  remember (id: string, expiresAt: number, now: number): boolean {
    if (this.has(id, now)) return false
    if (!this.room(now)) throw new AuthError('replay cache full: too many live tokens')
    this.seen.set(id, expiresAt)
    return true
  }

  /** Records the id if there is room (the shared cache decides; this one only answers faster). */
  note (id: string, expiresAt: number, now: number): void {
    if (this.room(now)) this.seen.set(id, expiresAt)
  }

  private room (now: number): boolean {
    if (this.seen.size < this.maxEntries) return true
    for (const [k, exp] of this.seen) if (exp < now) this.seen.delete(k)
    return this.seen.size < this.maxEntries
  }
}

export interface JwtVerifier {
  verify: (authorization: string | undefined, path: string) => Promise<VerifiedCaller>
  replayCache: ReplayCache
}

function remoteKeySet (url: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 600_000, timeoutDuration: 2_000 })
}

export function createJwtVerifier (opts: JwtVerifierOptions): JwtVerifier {
  const skew = opts.skewSeconds ?? 30
  const maxLifetime = opts.maxLifetimeSeconds ?? 15 * 60
  const base = opts.publicBaseUrl.replace(/\/+$/, '')
  const keySets = new Map<string, JWTVerifyGetKey>()
  const replayCache = new ReplayCache(opts.replayCacheSize ?? 100_000)
  const keySetOf = (url: string): JWTVerifyGetKey => {
    let set = keySets.get(url)
    if (set === undefined) {
      set = (opts.keySet ?? remoteKeySet)(url)
      keySets.set(url, set)
    }
    return set
  }

  async function checkReplay (iss: string, jti: string, expiresAt: number, nowSec: number): Promise<void> {
    const key = `${iss}\u0000${jti}`
    if (opts.sharedReplay === undefined) {
      if (!replayCache.remember(key, expiresAt, nowSec)) throw new AuthError('jti replayed')
      return
    }
    if (replayCache.has(key, nowSec)) throw new AuthError('jti replayed')
    let first: boolean
    try {
      first = await opts.sharedReplay(iss, jti, expiresAt, nowSec)
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code
      throw new ReplayCheckUnavailable(typeof code === 'string' ? code : 'store error')
    }
    if (!first) throw new AuthError('jti replayed (shared cache)')
    replayCache.note(key, expiresAt, nowSec)
  }

  async function verify (authorization: string | undefined, path: string): Promise<VerifiedCaller> {
    const match = /^Bearer +([A-Za-z0-9_.~+/=-]+)\s*$/i.exec(authorization ?? '')
    if (match === null) throw new AuthError(authorization === undefined ? 'no Authorization header' : 'Authorization is not a Bearer token')
    const token = match[1] as string
    let header, unverified
    try {
      header = decodeProtectedHeader(token)
      unverified = decodeJwt(token)
    } catch {
      throw new AuthError('bearer token is not a JWT')
    }
    if (typeof header.alg !== 'string' || !ALGORITHMS.includes(header.alg)) throw new AuthError(`alg ${String(header.alg)} not allowed`)
    const iss = unverified.iss
    const issuer = typeof iss === 'string' ? opts.issuers.get(iss) : undefined
    const jwksUrl = issuer?.jwks
    if (iss === undefined || issuer === undefined || jwksUrl === undefined) throw new AuthError('issuer not trusted')
    if (header.jku !== undefined && header.jku !== jwksUrl) throw new AuthError('jku is not the JWKS URL configured for the issuer')
    const now = opts.clock()
    let payload
    try {
      ({ payload } = await jwtVerify(token, keySetOf(jwksUrl), {
        issuer: iss,
        audience: `${base}${path}`,
        algorithms: ALGORITHMS,
        clockTolerance: skew,
        currentDate: now,
        requiredClaims: ['iss', 'aud', 'exp', 'iat', 'jti']
      }))
    } catch (err) {
      const e = err as { code?: string, message?: string }
      throw new AuthError(`${e.code ?? 'ERR_JWT'}: ${e.message ?? 'verification failed'}`)
    }
    const nowSec = Math.floor(now.getTime() / 1000)
    const { iat, exp, jti } = payload as { iat: number, exp: number, jti: unknown }
    if (iat > nowSec + skew) throw new AuthError('iat is in the future')
    if (exp - iat > maxLifetime + skew) throw new AuthError(`token lifetime ${exp - iat} s exceeds ${maxLifetime} s`)
    if (typeof jti !== 'string' || jti === '' || jti.includes('\u0000')) throw new AuthError('jti must be a non-empty string without NUL')
    // A tenant claim counts only for an issuer configured with tenants, and must be one of them:
    // otherwise a client could mint a fresh rate-limit budget per invented value.
    const claimed = typeof payload.tenant === 'string' ? payload.tenant : undefined
    if (issuer.tenants.length > 0 && claimed !== undefined && !issuer.tenants.includes(claimed)) {
      throw new AuthError('tenant not configured for the issuer')
    }
    const tenant = issuer.tenants.length > 0 ? claimed : undefined
    await checkReplay(iss, jti, exp + skew, nowSec)
    return {
      iss,
      jti,
      ...(typeof payload.sub === 'string' ? { sub: payload.sub } : {}),
      ...(tenant === undefined ? {} : { tenant })
    }
  }

  return { verify, replayCache }
}
