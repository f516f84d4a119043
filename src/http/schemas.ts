// Route schemas. The CDS Hooks shapes (request, card, response, discovery, feedback) are the
// domain's, from src/cds/schemas.ts; only HTTP-specific ones (path parameters) live here.

import { Type } from 'typebox'

export {
  CardSchema, DiscoveryResponseSchema, FeedbackRequestSchema, HookRequestSchema, HookResponseSchema
} from '../cds/schemas.js'

export const ServiceParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) })
