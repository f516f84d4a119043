// The fact library: every named clinical computation a rule may use. Adding a fact here makes
// it available to rule files; `rules doc` writes rules/README.md's fact table from the definitions.

import { conservativeCareFact } from './care-facts.js'
import { conditionPresentFact, painDurationFact, redFlagConditionsFact } from './condition-facts.js'
import type { FactDefinition } from './fact.js'
import { diagnosticBlocksFact, facetSessionsFact, firstFacetOrderFact, lastSessionFact, orderIntentFact, priorDiagnosticReliefFact, procedureDoneFact } from './facet-history-facts.js'
import { priorRfaFact, priorTherapeuticFact } from './prior-session-facts.js'
import { allergyPresentFact, implantedDeviceFact, orderSedationFact, orderSteroidFact, pregnancyEvidenceFact, rfaUnsuitableFact, settingFact } from './order-safety-facts.js'
import { antithromboticsFact, medicationStartedFact } from './medication-facts.js'
import { disabilityBaselineFact, latestPainScoreFact, observationsFact } from './observation-facts.js'
import { dateWindowFact, orderFact, patientFact } from './record-facts.js'
import { ptArrangedFact, ptEpisodeEndFact, ptEpisodeFact } from './pt-episode-facts.js'
import { ptAfterProcedureFact } from './pt-follow-up-facts.js'
import { ptResponseFact } from './pt-response-facts.js'
import { screeningStatusFact } from './screening-facts.js'
import { opioidBenzodiazepineFact } from './co-prescription-facts.js'
import { interventionHistoryFact, postProcedurePainFact, progressSincePriorFact, worseningTrendFact } from './trend-facts.js'
import { postProcedureInfectionFact, postSteroidGlucoseFact } from './escalation-facts.js'
import { cancerHistoryFact, longTermSteroidsFact, spineImagingSinceFact, spinePainFact, weightLossFact } from './serious-pathology-facts.js'
import { newNeuroDeficitFact } from './neuro-facts.js'

export const FACT_LIBRARY: ReadonlyMap<string, FactDefinition> = new Map([
  patientFact,
  orderFact,
  orderIntentFact,
  dateWindowFact,
  latestPainScoreFact,
  observationsFact,
  disabilityBaselineFact,
  conditionPresentFact,
  redFlagConditionsFact,
  painDurationFact,
  antithromboticsFact,
  medicationStartedFact,
  conservativeCareFact,
  ptEpisodeFact,
  ptArrangedFact,
  ptEpisodeEndFact,
  ptResponseFact,
  screeningStatusFact,
  ptAfterProcedureFact,
  postProcedurePainFact,
  worseningTrendFact,
  interventionHistoryFact,
  progressSincePriorFact,
  postProcedureInfectionFact,
  postSteroidGlucoseFact,
  newNeuroDeficitFact,
  spinePainFact,
  weightLossFact,
  cancerHistoryFact,
  longTermSteroidsFact,
  spineImagingSinceFact,
  facetSessionsFact,
  lastSessionFact,
  diagnosticBlocksFact,
  priorDiagnosticReliefFact,
  priorRfaFact,
  priorTherapeuticFact,
  firstFacetOrderFact,
  procedureDoneFact,
  orderSteroidFact,
  orderSedationFact,
  opioidBenzodiazepineFact,
  implantedDeviceFact,
  allergyPresentFact,
  pregnancyEvidenceFact,
  rfaUnsuitableFact,
  settingFact
].map((f) => [f.name, f]))

export type { FactContext, FactDefinition } from './fact.js'
