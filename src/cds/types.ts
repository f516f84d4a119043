// CDS Hooks 2.0 wire shapes this service produces and consumes.

import type { Evidence, Indicator } from '../rules/types.js'

export interface Coding { system: string, code: string, display?: string }

export interface Action { type: 'create' | 'update' | 'delete', description: string, resource?: Record<string, unknown>, resourceId?: string }
export interface Suggestion { label: string, uuid: string, isRecommended?: boolean, actions?: Action[] }
export interface Link { label: string, url: string, type: 'absolute' | 'smart', appContext?: string }

export interface CardExtension {
  rule: string
  variant?: string
  version: string
  why: string
  evidence?: Evidence
  intentBasis?: 'explicit' | 'signal' | 'inferred'
}

export interface Card {
  uuid: string
  summary: string
  detail?: string
  indicator: Indicator
  source: { label: string, url?: string, topic: Coding }
  suggestions?: Suggestion[]
  selectionBehavior?: 'at-most-one' | 'any'
  overrideReasons?: Coding[]
  links?: Link[]
  extension: { 'org.facet-pt-cds': CardExtension }
}

export interface HookRequest {
  hook: string
  hookInstance: string
  fhirServer?: string
  fhirAuthorization?: {
    access_token: string
    token_type: string
    expires_in: number
    scope: string
    subject: string
    patient?: string
  }
  context: Record<string, unknown>
  prefetch?: Record<string, unknown>
  extension?: Record<string, unknown>
}

/** Makes ids for cards and suggestions (injected: tests pass a counter). */
export type NewId = () => string
