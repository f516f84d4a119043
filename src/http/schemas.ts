// Route schemas: the CDS Hooks envelope (open shapes stay open: context, prefetch, extension and
// any FHIR resource are additionalProperties: true) and the full card shape for responses.

import { Type } from 'typebox'

const Open = Type.Object({}, { additionalProperties: true })

export const HookRequestSchema = Type.Object({
  hook: Type.String({ minLength: 1, maxLength: 200 }),
  hookInstance: Type.String({ minLength: 1, maxLength: 200 }),
  fhirServer: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2048 })),
  fhirAuthorization: Type.Optional(Type.Object({
    access_token: Type.String(),
    token_type: Type.String(),
    expires_in: Type.Number(),
    scope: Type.String(),
    subject: Type.String(),
    patient: Type.Optional(Type.String())
  }, { additionalProperties: true })),
  context: Open,
  prefetch: Type.Optional(Open),
  extension: Type.Optional(Open)
}, { additionalProperties: true })

export const ServiceParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) })

const Coding = Type.Object({ system: Type.String(), code: Type.String(), display: Type.Optional(Type.String()) })

export const CardSchema = Type.Object({
  uuid: Type.String(),
  summary: Type.String(),
  detail: Type.Optional(Type.String()),
  indicator: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]),
  source: Type.Object({
    label: Type.String(),
    url: Type.Optional(Type.String()),
    icon: Type.Optional(Type.String()),
    topic: Type.Optional(Coding)
  }),
  suggestions: Type.Optional(Type.Array(Type.Object({
    label: Type.String(),
    uuid: Type.Optional(Type.String()),
    isRecommended: Type.Optional(Type.Boolean()),
    actions: Type.Optional(Type.Array(Type.Object({
      type: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')]),
      description: Type.String(),
      resource: Type.Optional(Open),
      resourceId: Type.Optional(Type.String())
    })))
  }))),
  selectionBehavior: Type.Optional(Type.Union([Type.Literal('at-most-one'), Type.Literal('any')])),
  overrideReasons: Type.Optional(Type.Array(Coding)),
  links: Type.Optional(Type.Array(Type.Object({
    label: Type.String(),
    url: Type.String(),
    type: Type.Union([Type.Literal('absolute'), Type.Literal('smart')]),
    appContext: Type.Optional(Type.String())
  }))),
  extension: Type.Optional(Type.Object({
    'org.facet-pt-cds': Type.Object({
      rule: Type.String(),
      variant: Type.Optional(Type.String()),
      version: Type.String(),
      why: Type.String(),
      evidence: Type.Optional(Type.Union([Type.Literal('V'), Type.Literal('S'), Type.Literal('U'), Type.Literal('D')])),
      intentBasis: Type.Optional(Type.Union([Type.Literal('explicit'), Type.Literal('signal'), Type.Literal('inferred')]))
    })
  }))
})

export const HookResponseSchema = Type.Object({ cards: Type.Array(CardSchema) })

export const DiscoveryResponseSchema = Type.Object({
  services: Type.Array(Type.Object({
    hook: Type.String(),
    id: Type.String(),
    title: Type.String(),
    description: Type.String(),
    usageRequirements: Type.Optional(Type.String()),
    prefetch: Type.Optional(Type.Record(Type.String(), Type.String()))
  }))
})
