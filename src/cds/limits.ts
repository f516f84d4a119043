// Structural bounds on a request body, checked before anything walks it: nesting depth and the
// entry count of prefetch Bundles and draftOrders (400 with the location of the excess).

import { DomainError, expressionOf } from '../errors.js'

export const MAX_JSON_DEPTH = 64
export const MAX_BUNDLE_ENTRIES = 10_000

interface Frame { value: unknown, depth: number, parent: Frame | undefined, key: string | number }

function pathOfFrame (frame: Frame): string {
  const parts: Array<string | number> = []
  for (let f: Frame | undefined = frame; f !== undefined; f = f.parent) if (f.parent !== undefined) parts.unshift(f.key)
  return expressionOf(parts)
}

/** Fast check without allocation; recursion stops at maxDepth + 1, so the stack stays small. */
function exceeds (v: object, depth: number, max: number): boolean {
  if (depth > max) return true
  if (Array.isArray(v)) {
    for (const c of v as unknown[]) if (c !== null && typeof c === 'object' && exceeds(c, depth + 1, max)) return true
  } else {
    const o = v as Record<string, unknown>
    for (const k in o) {
      const c = o[k]
      if (c !== null && typeof c === 'object' && exceeds(c, depth + 1, max)) return true
    }
  }
  return false
}

/** Locates the too-deep member (the body itself is level 1); iterative, so any nesting is safe. */
function checkDepth (body: unknown, maxDepth: number): void {
  const stack: Frame[] = [{ value: body, depth: 1, parent: undefined, key: '' }]
  while (stack.length > 0) {
    const frame = stack.pop() as Frame
    const v = frame.value
    if (v === null || typeof v !== 'object') continue
    if (frame.depth > maxDepth) {
      throw new DomainError('invalid-request', `body nests deeper than ${maxDepth} levels`,
        [{ expression: pathOfFrame(frame), diagnostics: `JSON nesting deeper than ${maxDepth} levels is not accepted` }])
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (v[i] !== null && typeof v[i] === 'object') stack.push({ value: v[i], depth: frame.depth + 1, parent: frame, key: i })
    } else {
      for (const [k, c] of Object.entries(v)) if (c !== null && typeof c === 'object') stack.push({ value: c, depth: frame.depth + 1, parent: frame, key: k })
    }
  }
}

function entryCount (value: unknown): number {
  const entry = (value as { entry?: unknown } | null)?.entry
  return Array.isArray(entry) ? entry.length : 0
}

export function checkRequestLimits (body: unknown, limits: { maxDepth?: number, maxEntries?: number } = {}): void {
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH
  const maxEntries = limits.maxEntries ?? MAX_BUNDLE_ENTRIES
  if (body === null || typeof body !== 'object') return
  if (exceeds(body, 1, maxDepth)) checkDepth(body, maxDepth)
  const b = body as { prefetch?: unknown, context?: unknown }
  const issues = []
  if (b.prefetch !== null && typeof b.prefetch === 'object') {
    for (const [key, value] of Object.entries(b.prefetch)) {
      const n = entryCount(value)
      if (n > maxEntries) issues.push({ expression: `prefetch.${key}.entry`, diagnostics: `prefetch.${key} has ${n} entries; at most ${maxEntries} are accepted` })
    }
  }
  const orders = (b.context as { draftOrders?: unknown } | null | undefined)?.draftOrders
  const n = entryCount(orders)
  if (n > maxEntries) issues.push({ expression: 'context.draftOrders.entry', diagnostics: `context.draftOrders has ${n} entries; at most ${maxEntries} are accepted` })
  if (issues.length > 0) throw new DomainError('invalid-request', 'too many entries', issues)
}
