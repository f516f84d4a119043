// Why a CDS client's token was refused. Kept apart from the verifier so the HTTP layer can
// recognise it without loading jose (loaded only when AUTH_MODE=jwt).

/** Why a token was refused; the reason is for the log only, never for the response. */
export class AuthError extends Error {
  constructor (readonly reason: string) {
    super(reason)
    this.name = 'AuthError'
  }
}

/** The shared replay check (the store) could not answer: the call is refused with 503 (fail closed). */
export class ReplayCheckUnavailable extends Error {
  constructor (readonly code: string) {
    super(`jti replay check unavailable (${code})`)
    this.name = 'ReplayCheckUnavailable'
  }
}
