// Prefetch template tokens (CDS Hooks 2.0 "Prefetch tokens"): first-level primitive context
// fields and the four user tokens. Used to run a missing prefetch query ourselves.

const TOKEN = /\{\{\s*([A-Za-z.]+)\s*\}\}/g
const USER_TOKENS: Record<string, string> = {
  userPractitionerId: 'Practitioner',
  userPractitionerRoleId: 'PractitionerRole',
  userPatientId: 'Patient',
  userRelatedPersonId: 'RelatedPerson'
}

export function templateTokens (template: string): string[] {
  return [...template.matchAll(TOKEN)].map((m) => m[1] as string)
}

export function isAllowedToken (token: string): boolean {
  return /^context\.[A-Za-z]+$/.test(token) || token in USER_TOKENS
}

/** The query with tokens filled in, or undefined when a token cannot be resolved. */
export function fillTemplate (
  template: string,
  context: Record<string, unknown>,
  patientId: string
): string | undefined {
  let unresolved = false
  const out = template.replace(TOKEN, (_m, token: string) => {
    if (token === 'context.patientId') return encodeURIComponent(patientId)
    if (token.startsWith('context.')) {
      const v = context[token.slice('context.'.length)]
      if (typeof v === 'string' || typeof v === 'number') return encodeURIComponent(String(v))
    }
    const type = USER_TOKENS[token]
    const user = typeof context.userId === 'string' ? context.userId : ''
    if (type !== undefined && user.startsWith(`${type}/`)) return encodeURIComponent(user.slice(type.length + 1))
    unresolved = true
    return ''
  })
  return unresolved ? undefined : out
}
