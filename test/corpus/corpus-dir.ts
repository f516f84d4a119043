// The corpus folder given to `npm run test:corpus -- <dir>` (CORPUS_DIR): a missing folder or
// subfolder throws, so a corpus check fails instead of silently skipping.

import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

export function corpusFolder (name: string): string {
  const root = process.env.CORPUS_DIR
  if (root === undefined || root === '') throw new Error('CORPUS_DIR is not set: run npm run test:corpus -- <dir>')
  const dir = resolve(join(root, name))
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`corpus folder missing: ${dir}`)
  return dir
}
