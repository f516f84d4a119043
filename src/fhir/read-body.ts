// Reads an HTTP response body with a byte cap: a body declared or found larger than the cap is
// destroyed at once (its connection closed) instead of being buffered and parsed. Aborting the
// request's signal destroys the stream too (undici), so a body that stalls ends at the deadline.

import type { Readable } from 'node:stream'

/** The body is larger than the cap; the message holds no URL. */
export class BodyTooLargeError extends Error {
  constructor (readonly maxBytes: number) {
    super(`response body larger than ${maxBytes} bytes`)
    this.name = 'BodyTooLargeError'
  }
}

/** The body as UTF-8 text (a leading BOM dropped), or a rejection once it passes `maxBytes`. */
export async function readBodyText (
  body: Readable,
  maxBytes: number,
  declaredLength?: string | string[]
): Promise<string> {
  // Destroying the stream below makes undici emit an abort error: it is ours, not a failure to report.
  body.on('error', () => {})
  const declared = typeof declaredLength === 'string' ? Number(declaredLength) : NaN
  if (Number.isFinite(declared) && declared > maxBytes) {
    body.destroy()
    throw new BodyTooLargeError(maxBytes)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    const buf = chunk as Buffer
    size += buf.length
    if (size > maxBytes) {
      body.destroy()
      throw new BodyTooLargeError(maxBytes)
    }
    chunks.push(buf)
  }
  const text = Buffer.concat(chunks, size).toString('utf8')
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}
