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
  /** JSON object: accepted `iss` → its JWKS URL, or → {jwks, fhirServers: [FHIR base URLs its calls may name]}. */
  TRUSTED_ISSUERS: Type.String({ default: '{}' }),
  /** The `aud` expected is PUBLIC_BASE_URL + the request path. */
  PUBLIC_BASE_URL: Type.String({ default: 'http://127.0.0.1:3000' }),
  /** Comma-separated allow-list of browser origins; empty = no CORS. */
  CORS_ORIGINS: Type.String({ default: '' }),
  FHIR_TIMEOUT_MS: Type.Integer({ default: 250, minimum: 10 }),
  REQUEST_BUDGET_MS: Type.Integer({ default: 400, minimum: 10 }),
  // --- traffic: rate limit (token bucket per caller) and load shedding ---
  /**
   * Sustained calls per second per caller (JWT `iss`, + `tenant` for issuers configured with tenants;
   * the client address when AUTH_MODE=off). 0 = the default for the mode: 100/s with jwt, 5,000/s off.
   */
  RATE_LIMIT_PER_SECOND: Type.Number({ default: 0, minimum: 0 }),
  /** Calls a caller may send at once above the sustained rate; 0 = twice the per-second rate. */
  RATE_LIMIT_BURST: Type.Integer({ default: 0, minimum: 0 }),
  /**
   * Shed hook calls (503 + Retry-After) while the event loop's mean delay over the last second is
   * above this: a call queued behind that much cannot be answered within REQUEST_BUDGET_MS. 0 = never.
   */
  OVERLOAD_MAX_DELAY_MS: Type.Integer({ default: 400, minimum: 0 }),
  /** /evaluate and /rules/* (tools, not EHR calls) are shed at this fraction of the hook threshold. */
  OVERLOAD_TOOLS_FRACTION: Type.Number({ default: 0.25, exclusiveMinimum: 0, maximum: 1 }),
  /** Bodies from this size up are checked for nesting depth before they are parsed, and parsed a few at a time. */
  LARGE_BODY_BYTES: Type.Integer({ default: 65_536, minimum: 1024 }),
  /** How many large bodies may be parsed and evaluated at once; the others wait (bounded by REQUEST_TIMEOUT_MS). */
  LARGE_BODY_CONCURRENCY: Type.Integer({ default: 4, minimum: 1 }),
  /** POST /rules/validate: body size cap (413) and cases per posted rule or catalog (422). */
  VALIDATE_BODY_LIMIT_BYTES: Type.Integer({ default: 4_194_304, minimum: 1024 }),
  VALIDATE_MAX_CASES: Type.Integer({ default: 2_000, minimum: 1 }),
  // --- issue 5: rule authoring tools ---
  /** Bearer token for POST /rules/reload when AUTH_MODE=jwt; empty = reload disabled there. */
  ADMIN_TOKEN: Type.String({ default: '' }),
  /** Re-read rules/ when files change (validated, cases run, swapped only if all pass). */
  RULES_WATCH: Type.Boolean({ default: false }),
  // --- the workbench (GET /workbench/) ---
  /** Serve the workbench page. Its tools need ADMIN_TOKEN under AUTH_MODE=jwt (the page asks for it). */
  WORKBENCH_ENABLED: Type.Boolean({ default: true }),
  /** Where the built page is (npm run build writes dist/workbench); empty = that default. */
  WORKBENCH_DIR: Type.String({ default: '' }),
  // --- FHIR server binding and paging ---
  /**
   * AUTH_MODE=off only: comma-separated FHIR base URLs a hook call may name as `fhirServer`
   * (exact match after normalising scheme/host case, default port, trailing slash); empty = any.
   * With AUTH_MODE=jwt the list is per issuer: TRUSTED_ISSUERS {"<iss>": {"fhirServers": […]}}.
   */
  FHIR_SERVER_ALLOW: Type.String({ default: '' }),
  /** Largest FHIR response body read (bytes); a larger one is cut off and its key is unavailable. */
  FHIR_MAX_RESPONSE_BYTES: Type.Integer({ default: 4_194_304, minimum: 1024 }),
  /** Resources read per prefetch key across its `link[next]` pages; more makes the key unavailable. */
  FHIR_MAX_RESOURCES_PER_KEY: Type.Integer({ default: 10_000, minimum: 1 }),
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
/** Settings that were replaced: naming one is an error, not silently ignored. */
const REPLACED: Record<string, string> = {
  RATE_LIMIT_MAX: 'RATE_LIMIT_PER_SECOND and RATE_LIMIT_BURST (a token bucket per caller)',
  OVERLOAD_MAX_ELU: 'OVERLOAD_MAX_DELAY_MS (shedding follows event-loop delay, not utilisation)'
}

export function loadConfig (env: Record<string, string | undefined>): Config {
  const replaced = Object.keys(REPLACED).filter((k) => env[k] !== undefined && env[k] !== '')
  if (replaced.length > 0) {
    const which = replaced.map((k) => `${k} was replaced by ${REPLACED[k] ?? ''}`)
    throw new ConfigError(`invalid configuration: ${which.join('; ')}`)
  }
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

/** The token bucket in force: explicit settings, else the defaults of the auth mode. */
export function rateLimitOf (config: Config): { perSecond: number, burst: number } {
  const modeDefault = config.AUTH_MODE === 'jwt' ? 100 : 5_000
  const perSecond = config.RATE_LIMIT_PER_SECOND > 0 ? config.RATE_LIMIT_PER_SECOND : modeDefault
  const burst = config.RATE_LIMIT_BURST > 0 ? config.RATE_LIMIT_BURST : Math.max(1, Math.ceil(perSecond * 2))
  return { perSecond, burst }
}

/** Tests drive the app from the same event loop (inject), so load shedding is off. */
export function testConfig (overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), LOG_LEVEL: 'silent', OVERLOAD_MAX_DELAY_MS: 0, ...overrides }
}
