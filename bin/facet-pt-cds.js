#!/usr/bin/env node
// CLI launcher: runs the compiled CLI (npm run build first, or `npm start` builds).
import { existsSync } from 'node:fs'
const cli = new URL('../dist/cli/main.js', import.meta.url)
if (!existsSync(cli)) {
  process.stderr.write('facet-pt-cds: not built yet; run `npm run build` first\n')
  process.exit(1)
}
const { main } = await import(cli.href)
process.exitCode = await main(process.argv.slice(2))
