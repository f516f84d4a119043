// The one layout of the JSON files under rules/ (`rules fmt`): 2-space indent, key order kept, and
// an object or array on one line when that line fits in 120 characters. A cases file keeps one
// case per line however long it is. Deterministic and idempotent: formatting a formatted file
// gives the same text.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

export const FORMAT_WIDTH = 120

/** `{ "a": 1, "b": [2, 3] }`: the one-line form of a value. */
function oneLine (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
    if (entries.length === 0) return '{}'
    return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`).join(', ')} }`
  }
  return JSON.stringify(value)
}

/**
 * Formats a JSON value. `keepOneLine(pointer)` names containers written on one line whatever
 * their length (the cases of a cases file: `/cases/0`, `/cases/1`, …).
 */
export function formatJson (value: unknown, keepOneLine: (pointer: string) => boolean = () => false): string {
  const write = (v: unknown, indent: string, prefix: string, suffix: string, pointer: string): string[] => {
    const line = oneLine(v)
    const isContainer = v !== null && typeof v === 'object'
    if (!isContainer || keepOneLine(pointer) || (indent + prefix + line + suffix).length <= FORMAT_WIDTH) {
      return [`${indent}${prefix}${line}${suffix}`]
    }
    const inner = `${indent}  `
    const children = Array.isArray(v)
      ? v.map((c, i): [string, unknown, string] => ['', c, `${pointer}/${i}`])
      : Object.entries(v).map(([k, c]): [string, unknown, string] => [`${JSON.stringify(k)}: `, c, `${pointer}/${k}`])
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}']
    return [
      `${indent}${prefix}${open}`,
      ...children.flatMap(([p, c, at], i) => write(c, inner, p, i === children.length - 1 ? '' : ',', at)),
      `${indent}${close}${suffix}`
    ]
  }
  return write(value, '', '', '', '').join('\n') + '\n'
}

/** The formatted text of a file under rules/ (throws on invalid JSON). */
export function formatRulesFile (file: string, text: string): string {
  const oneCasePerLine = file.endsWith('.cases.json')
  return formatJson(JSON.parse(text), (pointer) => oneCasePerLine && /^\/cases\/\d+$/.test(pointer))
}

function jsonFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : [])
}

export interface FormatReport {
  /** Files (relative to the folder) whose layout differs: rewritten, or with `check` only listed. */
  unformatted: string[]
  /** Files that are not valid JSON: `file: message`. */
  invalid: string[]
  files: number
}

/** Formats every .json file under `dir` in place, or with `check` only lists those that differ. */
export function formatRulesDir (dir: string, check: boolean): FormatReport {
  const report: FormatReport = { unformatted: [], invalid: [], files: 0 }
  for (const path of jsonFiles(dir)) {
    const name = relative(dir, path)
    report.files++
    const text = readFileSync(path, 'utf8')
    let formatted: string
    try {
      formatted = formatRulesFile(name, text)
    } catch (e) {
      report.invalid.push(`${name}: ${(e as Error).message}`)
      continue
    }
    if (formatted === text) continue
    report.unformatted.push(name)
    if (!check) writeFileSync(path, formatted)
  }
  return report
}
