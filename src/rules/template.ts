// Card text templates: {{param.NAME}}, {{context.patientId}} and {{name.path}} where name is a
// fact used by the rule (or a `let` binding). Values are formatted for people: numbers without
// float noise, lists joined, a missing value (undefined, null, empty string or empty list) shown as
// "none recorded" — never "unknown", which a clinician could read as "not assessed".

// `{{name.path?}}` is an optional sentence: a missing value renders as nothing, not "none recorded".
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+)*)(\?)?\s*\}\}/g
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+)*)\s*\}\}$/

export interface TemplateRef { root: string, path: string[] }

/** Every placeholder in a string or in all strings of a JSON value. */
export function templateRefs (value: unknown): TemplateRef[] {
  const out: TemplateRef[] = []
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(PLACEHOLDER)) out.push({ root: m[1] as string, path: (m[2] ?? '').split('.').filter(Boolean) })
    } else if (Array.isArray(v)) v.forEach(visit)
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit)
  }
  visit(value)
  return out
}

export type Lookup = (root: string, path: string[]) => unknown

/** In an action with `forEach: "draftFacetOrder"`: {{draftOrder.<field>}} names the order it acts on. */
export const DRAFT_ORDER_ROOT = 'draftOrder'
export const DRAFT_ORDER_FIELDS: readonly string[] = ['reference', 'id', 'code', 'name']

/** How card text shows a value that is not on file. */
export const MISSING_VALUE_TEXT = 'none recorded'

const isMissing = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)

export function formatValue (v: unknown): string {
  if (isMissing(v)) return MISSING_VALUE_TEXT
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 10) / 10)
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  if (Array.isArray(v)) return v.filter((x) => !isMissing(x)).map(formatValue).join(', ') || MISSING_VALUE_TEXT
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

export function renderText (template: string, lookup: Lookup): string {
  return template.replace(PLACEHOLDER, (_m, root: string, path: string, optional?: string) => {
    const v = lookup(root, path.split('.').filter(Boolean))
    return optional === '?' && isMissing(v) ? '' : formatValue(v)
  })
}

/** Renders every string of a JSON value; a string that is one placeholder keeps the raw value. */
export function renderJson (value: unknown, lookup: Lookup): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value)
    if (whole !== null) {
      const raw = lookup(whole[1] as string, (whole[2] ?? '').split('.').filter(Boolean))
      return raw === undefined || raw === null ? formatValue(raw) : raw
    }
    return renderText(value, lookup)
  }
  if (Array.isArray(value)) return value.map((v) => renderJson(v, lookup))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderJson(v, lookup)]))
  }
  return value
}

export function pick (value: unknown, path: string[]): unknown {
  let cur = value
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[key]
  }
  return cur
}
