// IS_STEROID reads the injectate with the shared medication matcher: codes first, then a brand or
// ingredient name in the text; a steroid-free injectate is recorded but not a steroid.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { injectateOf } from '../../src/fhir/injectate.js'
import { ValueSet } from '../../src/fhir/valueset.js'
import { RULES_DIR } from '../helper.js'

const corticosteroids = new ValueSet(JSON.parse(readFileSync(`${RULES_DIR}valuesets/corticosteroids.json`, 'utf8')))
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm'

await t.test('injectate: coded, named by brand, steroid-free, none', async (t) => {
  t.same(injectateOf([{ coding: [{ system: RXNORM, code: '10759', display: 'triamcinolone' }] }], corticosteroids),
    { steroid: true, drugs: ['triamcinolone'], recorded: true })
  const byBrand = injectateOf([{ text: 'Kenalog 40 mg/mL 1 mL' }], corticosteroids)
  t.equal(byBrand.steroid, true, 'a brand name in the text is a steroid')
  t.match(byBrand.drugs[0], /triamcinolone \(matched by name: 'Kenalog 40 mg\/mL 1 mL'\)/, 'and the card can say it was matched by name')
  t.same(injectateOf([{ coding: [{ system: RXNORM, code: '6387', display: 'lidocaine' }] }], corticosteroids),
    { steroid: false, drugs: [], recorded: true }, 'a steroid-free RxNorm injectate is recorded, not a steroid')
  t.same(injectateOf([{ text: 'local anaesthetic' }], corticosteroids), { steroid: false, drugs: [], recorded: false },
    'text without a steroid name is not a recorded injectate (steroid assumed by the safety rules)')
  t.equal(injectateOf([{ text: 'Kenalogue solution' }], corticosteroids).steroid, false, 'whole words only')
})
