// Every setting of the service, in one schema, parsed once at start from the environment.
// Nothing else reads process.env; tests build a Config with testConfig().

import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import { Type, type Static } from 'typebox'
import { authSettingsProblems } from './auth/trusted-issuers.js'

export const ConfigSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')], { default: 'info' }),
  RULES_DIR: Type.String({ default: fileURLToPath(new URL('../rules/', import.meta.url)), minLength: 1 }),
  EVIDENCE_PROFILE: Type.String({ default: 'medicare_lcd', minLength: 1 }),
  BODY_LIMIT_BYTES: Type.Integer({ default: 5_242_880, minimum: 1024 }),
  REQUEST_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100 }),
  // --- issue 4: authentication, CORS, FHIR fallback, limits ---
  AUTH_MODE: Type.Union([Type.Literal('jwt'), Type.Literal('off')], { default: 'off' }),
  /** JSON object: accepted `iss` → its JWKS URL. */
  TRUSTED_ISSUERS: Type.String({ default: '{}' }),
  /** The `aud` expected is PUBLIC_BASE_URL + the request path. */
  PUBLIC_BASE_URL: Type.String({ default: 'http://127.0.0.1:3000' }),
  /** Comma-separated allow-list of browser origins; empty = no CORS. */
  CORS_ORIGINS: Type.String({ default: '' }),
  FHIR_TIMEOUT_MS: Type.Integer({ default: 250, minimum: 10 }),
  REQUEST_BUDGET_MS: Type.Integer({ default: 400, minimum: 10 }),
  /** Requests per minute per client (verified JWT issuer + tenant when AUTH_MODE=jwt, else IP). */
  RATE_LIMIT_MAX: Type.Integer({ default: 600, minimum: 1 }),
  /** Shed load (503) above this event-loop utilization over the last second; 1 = never. */
  OVERLOAD_MAX_ELU: Type.Number({ default: 0.98, minimum: 0.5, maximum: 1 }),
  // --- issue 5: rule authoring tools ---
  /** Bearer token for POST /rules/reload when AUTH_MODE=jwt; empty = reload disabled there. */
  ADMIN_TOKEN: Type.String({ default: '' }),
  /** Re-read rules/ when files change (validated, cases run, swapped only if all pass). */
  RULES_WATCH: Type.Boolean({ default: false }),
  // --- issue 6: feedback and audit store ---
  DATABASE_URL: Type.String({ default: 'sqlite:./data/facet-pt-cds.db', minLength: 1 }),
  // --- store durability ---
  /** /readyz write-probes the store at most this often (ms); in between it repeats the last result. */
  STORE_PROBE_INTERVAL_MS: Type.Integer({ default: 1000, minimum: 0 }),
  /** Audit/card rows held for retry while the store cannot write; beyond this they are dropped (counted). */
  STORE_BUFFER_MAX_ROWS: Type.Integer({ default: 100_000, minimum: 100 })
}, { additionalProperties: false })

export type Config = Static<typeof ConfigSchema>

export class ConfigError extends Error {}

/** Parses the settings we own from an environment; unknown variables are ignored. */
export function loadConfig (env: Record<string, string | undefined>): Config {
  const keys = Object.keys(ConfigSchema.properties)
  const input: Record<string, unknown> = {}
  for (const key of keys) {
    const v = env[key]
    if (v !== undefined && v !== '') input[key] = v
  }
  const ajv = new Ajv({ useDefaults: true, coerceTypes: true, allErrors: true, validateSchema: false })
  const validate = ajv.compile(ConfigSchema)
  if (!validate(input)) {
    throw new ConfigError(`invalid configuration: ${(validate.errors ?? []).map((e) => `${e.instancePath.slice(1) || 'config'} ${e.message ?? ''}`).join('; ')}`)
  }
  const problems = authSettingsProblems(input as Config)
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`)
  return input as Config
}

/** Tests and benchmarks drive the app from the same event loop (inject), so load shedding is off. */
export function testConfig (overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), LOG_LEVEL: 'silent', OVERLOAD_MAX_ELU: 1, ...overrides }
}
