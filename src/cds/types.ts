// CDS Hooks 2.0 wire shapes this service produces and consumes, derived from the JSON Schemas in
// ./schemas.ts (the one source: routes validate and serialize with the same schemas).

import type { Static } from 'typebox'
import type {
  ActionSchema, CardExtensionSchema, CardSchema, CodingSchema, DiscoveryResponseSchema, FeedbackRequestSchema,
  HookRequestSchema, HookResponseSchema, LinkSchema, SuggestionSchema
} from './schemas.js'

export type Coding = Static<typeof CodingSchema>
export type Action = Static<typeof ActionSchema>
export type Suggestion = Static<typeof SuggestionSchema>
export type Link = Static<typeof LinkSchema>
export type CardExtension = Static<typeof CardExtensionSchema>
export type Card = Static<typeof CardSchema>
export type HookRequest = Static<typeof HookRequestSchema>
export type HookResponse = Static<typeof HookResponseSchema>
export type DiscoveryResponse = Static<typeof DiscoveryResponseSchema>
export type FeedbackRequest = Static<typeof FeedbackRequestSchema>

/** Makes ids for cards and suggestions (injected: tests pass a counter). */
export type NewId = () => string
