// Route schemas of the rule tools (GET /rules/{id}, POST /rules/what-if): the contract the
// workbench is built against; test/openapi-schemas.test.ts checks openapi.yaml against them.

import { Type } from 'typebox'
import { CardSchema } from '../schemas.js'

const OpenObject = Type.Object({}, { additionalProperties: true })

export const RuleParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) })

export const RuleDetailSchema = Type.Object({
  id: Type.String(),
  file: Type.String(),
  rule: OpenObject,
  cases: Type.Unsafe<Record<string, unknown> | null>({ type: 'object', nullable: true, additionalProperties: true }),
  results: Type.Array(Type.Object({
    name: Type.String(),
    passed: Type.Boolean(),
    status: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('skip')]),
    message: Type.Optional(Type.String())
  }))
})

export const WhatIfBodySchema = Type.Object({
  records: Type.Array(Type.Object({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    input: OpenObject
  }, { additionalProperties: false }), { minItems: 1, maxItems: 200 }),
  hook: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  now: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  profile: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  rule: Type.Optional(OpenObject),
  /** Values are checked by the domain (unknown name, wrong type → 422 located at `parameters.NAME`). */
  parameters: Type.Optional(OpenObject)
}, { additionalProperties: false })

export const WhatIfResponseSchema = Type.Object({
  catalog: Type.String(),
  records: Type.Array(Type.Object({
    name: Type.String(),
    inForce: Type.Array(CardSchema),
    edited: Type.Array(CardSchema),
    changed: Type.Boolean(),
    error: Type.Optional(Type.String())
  })),
  counts: Type.Array(Type.Object({
    rule: Type.String(),
    variant: Type.Optional(Type.String()),
    inForce: Type.Integer(),
    edited: Type.Integer()
  }))
})
