// Build step (npm run build): writes dist/validators.cjs, the content and params validators as
// Ajv standalone code.

import { writeStandaloneValidators } from './rules/validators.js'

writeStandaloneValidators()
