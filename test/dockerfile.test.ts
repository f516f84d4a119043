// The image can start: the runtime stage carries every file the service reads at run time
// (the image is not built in CI — no Docker daemon — so this static check guards it).

import { readFileSync } from 'node:fs'
import t from 'tap'

const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8')
const stages = dockerfile.split(/^FROM /m).slice(1)
const runtime = stages.find((s) => / AS runtime/.test(s)) ?? ''
const build = stages.find((s) => / AS build/.test(s)) ?? ''
const copied = (stage: string): string[] => [...stage.matchAll(/^COPY (?:--from=\S+ )?(.+) \S+$/gm)].flatMap((m) => (m[1] ?? '').split(/\s+/))

t.ok(runtime !== '' && build !== '', 'a build and a runtime stage')
for (const path of ['openapi.yaml', 'schemas', 'rules', '/app/dist', '/app/node_modules', '/app/package.json']) {
  t.ok(copied(runtime).includes(path), `runtime stage copies ${path}`)
}
// npm run build writes dist/openapi.json from openapi.yaml and dist/validators.cjs from schemas/.
for (const path of ['openapi.yaml', 'schemas', 'src', 'package.json']) t.ok(copied(build).includes(path), `build stage has ${path} before npm run build`)
t.match(build, /RUN npm run build/)
t.match(runtime, /CMD \["node", "dist\/main.js"\]/)
