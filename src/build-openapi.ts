// Build step (npm run build): writes dist/openapi.json next to the compiled service.

import { fileURLToPath } from 'node:url'
import { writeOpenApiJson } from './openapi-document.js'

writeOpenApiJson(fileURLToPath(new URL('../', import.meta.url)))
