// CDS Hooks 2.0 wire shapes, written once as JSON Schemas (TypeBox). The TypeScript types in
// ./types.ts are derived from them, src/http validates and serializes with them, and
// test/openapi-schemas.test.ts checks openapi.yaml against them member by member.
// Open shapes stay open: context, prefetch, extension and any FHIR resource are
// additionalProperties: true (response schemas strip members they do not list).

import { Type } from 'typebox'
import { EVIDENCE, HOOKS, INDICATORS } from '../rules/types.js'

/** Any JSON object, kept whole (typed as a record, not as `{}`). */
const Open = Type.Unsafe<Record<string, unknown>>(Type.Object({}, { additionalProperties: true }))

export const HookRequestSchema = Type.Object({
  hook: Type.String({ minLength: 1, maxLength: 200 }),
  hookInstance: Type.String({ minLength: 1, maxLength: 200 }),
  fhirServer: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2048 })),
  fhirAuthorization: Type.Optional(Type.Object({
    access_token: Type.String(),
    token_type: Type.String(),
    expires_in: Type.Integer(),
    scope: Type.String(),
    subject: Type.String(),
    patient: Type.Optional(Type.String())
  }, { additionalProperties: true })),
  context: Open,
  prefetch: Type.Optional(Open),
  extension: Type.Optional(Open)
}, { additionalProperties: true })

/** CDS Hooks' own trimmed Coding: `system` and `code` required. */
export const CodingSchema = Type.Object({
  system: Type.String(),
  code: Type.String(),
  display: Type.Optional(Type.String())
})

export const ActionSchema = Type.Object({
  type: Type.Enum(['create', 'update', 'delete'], { type: 'string' }),
  description: Type.String(),
  resource: Type.Optional(Open),
  /** Relative reference (ServiceRequest/<id>) of the draft order a delete action cancels. */
  resourceId: Type.Optional(Type.String())
})

export const SuggestionSchema = Type.Object({
  label: Type.String(),
  uuid: Type.Optional(Type.String()),
  isRecommended: Type.Optional(Type.Boolean()),
  actions: Type.Optional(Type.Array(ActionSchema))
})

export const LinkSchema = Type.Object({
  label: Type.String(),
  url: Type.String(),
  type: Type.Enum(['absolute', 'smart'], { type: 'string' }),
  appContext: Type.Optional(Type.String())
})

/** The card's `extension['org.facet-pt-cds']`: which rule fired and why. */
export const CardExtensionSchema = Type.Object({
  rule: Type.String(),
  variant: Type.Optional(Type.String()),
  version: Type.String(),
  why: Type.String(),
  evidence: Type.Optional(Type.Enum([...EVIDENCE], { type: 'string' })),
  intentBasis: Type.Optional(Type.Enum(['explicit', 'signal', 'inferred'], { type: 'string' }))
})

/** Card `source` (spec: `label` required; `url`, `icon` and `topic` optional). */
export const CardSourceSchema = Type.Object({
  label: Type.String(),
  url: Type.Optional(Type.String()),
  icon: Type.Optional(Type.String()),
  topic: Type.Optional(CodingSchema)
})

export const CardSchema = Type.Object({
  uuid: Type.String(),
  summary: Type.String(),
  detail: Type.Optional(Type.String()),
  indicator: Type.Enum([...INDICATORS], { type: 'string' }),
  source: CardSourceSchema,
  suggestions: Type.Optional(Type.Array(SuggestionSchema)),
  selectionBehavior: Type.Optional(Type.Enum(['at-most-one', 'any'], { type: 'string' })),
  overrideReasons: Type.Optional(Type.Array(CodingSchema)),
  links: Type.Optional(Type.Array(LinkSchema)),
  extension: Type.Object({ 'org.facet-pt-cds': CardExtensionSchema })
})

export const HookResponseSchema = Type.Object({ cards: Type.Array(CardSchema) })

export const DiscoveryResponseSchema = Type.Object({
  services: Type.Array(Type.Object({
    hook: Type.Enum([...HOOKS], { type: 'string' }),
    id: Type.String(),
    title: Type.String(),
    description: Type.String(),
    usageRequirements: Type.Optional(Type.String()),
    prefetch: Type.Optional(Type.Record(Type.String(), Type.String()))
  }))
})

const FeedbackCodingSchema = Type.Object({
  system: Type.String({ minLength: 1, maxLength: 500 }),
  code: Type.String({ minLength: 1, maxLength: 200 }),
  display: Type.Optional(Type.String({ maxLength: 500 }))
}, { additionalProperties: true })

/** POST {baseUrl}/cds-services/{id}/feedback (CDS Hooks 2.0 feedback). */
export const FeedbackRequestSchema = Type.Object({
  feedback: Type.Array(Type.Object({
    card: Type.String({ minLength: 1, maxLength: 200 }),
    outcome: Type.Enum(['accepted', 'overridden'], { type: 'string' }),
    acceptedSuggestions: Type.Optional(Type.Array(
      Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: true }),
      { maxItems: 100 })),
    overrideReason: Type.Optional(Type.Object({
      reason: Type.Optional(FeedbackCodingSchema),
      userComment: Type.Optional(Type.String({ maxLength: 4000 }))
    }, { additionalProperties: true })),
    outcomeTimestamp: Type.String({ minLength: 1, maxLength: 64 })
  }, { additionalProperties: true }), { minItems: 1, maxItems: 1000 })
}, { additionalProperties: true })
