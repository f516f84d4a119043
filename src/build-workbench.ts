// Build step (npm run build): bundles the workbench (src/workbench, browser TypeScript + CSS and the
// editor, Markdown and chart libraries it imports) into dist/workbench with esbuild. Every asset is
// served by the service itself: no CDN, works offline, passes the page's CSP.

import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SOURCE = fileURLToPath(new URL('../src/workbench/', import.meta.url))

/** Writes index.html, workbench.js and workbench.css (+ source maps) into `outDir`. */
export async function buildWorkbench (outDir: string, source = SOURCE): Promise<void> {
  // esbuild is a build-time (dev) dependency: imported here only, never by the running service.
  const { build } = await import('esbuild')
  mkdirSync(outDir, { recursive: true })
  await build({
    entryPoints: [join(source, 'main.ts')],
    outfile: join(outDir, 'workbench.js'),
    bundle: true,
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning'
  })
  copyFileSync(join(source, 'index.html'), join(outDir, 'index.html'))
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildWorkbench(fileURLToPath(new URL('./workbench/', import.meta.url)))
}
