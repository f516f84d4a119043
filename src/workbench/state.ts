// What the tabs share for this tab's lifetime, in memory only (no storage: records may hold PHI):
// the records loaded in Evaluate (one or many files), which the Rules tab's what-if and the Impact
// tab evaluate again.

export interface LoadedRecord {
  /** File name, or "pasted". */
  name: string
  /** A FHIR Bundle or a captured CDS Hooks request, as parsed JSON. */
  input: unknown
}

let records: LoadedRecord[] = []
const listeners = new Set<() => void>()

export function loadedRecords (): readonly LoadedRecord[] { return records }

export function setLoadedRecords (next: readonly LoadedRecord[]): void {
  records = [...next]
  for (const l of listeners) l()
}

/** Calls `fn` whenever the loaded records change; returns the unsubscribe function. */
export function onRecordsChange (fn: () => void): () => void {
  listeners.add(fn)
  return () => { listeners.delete(fn) }
}
