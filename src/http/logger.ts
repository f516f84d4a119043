// pino options: JSON lines, with every place a token or patient data could appear redacted.
// Request bodies are never logged; the default request serializer logs method, url and host.

import type { DestinationStream, LoggerOptions } from 'pino'

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'prefetch', '*.prefetch',
  'context', '*.context',
  'fhirAuthorization', '*.fhirAuthorization',
  'access_token', '*.access_token',
  'body', '*.body',
  'patient', '*.patient', '*.name', '*.birthDate', '*.identifier'
]

export function loggerOptions (
  level: string,
  stream?: DestinationStream
): LoggerOptions & { stream?: DestinationStream } {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    ...(stream === undefined ? {} : { stream })
  }
}
