// Opioid and benzodiazepine co-prescription (SUIT-11(c) detail, revision 2): a note for the sedation
// card, never a card of its own.

import { isActiveMedication, medications, names } from './clinical.js'
import { type FactDefinition, shape } from './fact.js'

export const CO_PRESCRIPTION_NOTE = 'Active opioid and benzodiazepine prescriptions: higher risk of respiratory depression with sedation.'

export const opioidBenzodiazepineFact: FactDefinition = {
  name: 'opioidBenzodiazepine',
  description: 'Active opioid (value set opioids) and active benzodiazepine (value set benzodiazepines) MedicationRequests/MedicationStatements at the same time. note = the co-prescription sentence when both are active, else an empty text. Decoration only: it reads no resource type a card depends on (with medications unavailable the note is simply left out).',
  reads: [],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, opioids, benzodiazepines, note }',
  returnsSchema: shape({ found: 'boolean', opioids: 'string', benzodiazepines: 'string', note: 'string' }),
  compute: ({ record, valueSet }) => {
    if (!record.isAvailable('MedicationRequest')) return { found: false, note: '' }
    const active = (id: string): ReturnType<typeof medications> =>
      medications(record, valueSet(id)).filter((m) => isActiveMedication(m.resource))
    const opioids = active('opioids')
    const benzos = active('benzodiazepines')
    const both = opioids.length > 0 && benzos.length > 0
    return { found: both, opioids: names(opioids).join(', '), benzodiazepines: names(benzos).join(', '), note: both ? CO_PRESCRIPTION_NOTE : '' }
  }
}
