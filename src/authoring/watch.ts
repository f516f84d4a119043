// Watches the rules directory (RULES_WATCH): changes are debounced, then a reload runs (validate,
// compile, run cases, swap only if all pass). The caller is told the outcome and closes the watcher.

import { type FSWatcher, watch } from 'node:fs'
import type { Reloader, ReloadReport } from './reload.js'

export interface RulesWatcher { close: () => void }

export function watchRules (
  dir: string,
  reloader: Reloader,
  onResult: (report: ReloadReport | Error) => void,
  debounceMs = 300
): RulesWatcher {
  let timer: NodeJS.Timeout | undefined
  const trigger = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = undefined
      reloader.reload().then(
        onResult,
        (err: unknown) => { onResult(err instanceof Error ? err : new Error(String(err))) }
      )
    }, debounceMs)
  }
  const watcher: FSWatcher = watch(dir, { recursive: true, persistent: false }, (_event, name) => {
    if (name === null || String(name).endsWith('.json')) trigger()
  })
  watcher.on('error', (err) => { onResult(err) })
  return {
    close: () => {
      if (timer !== undefined) clearTimeout(timer)
      watcher.close()
    }
  }
}
