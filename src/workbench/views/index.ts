// The workbench's tabs, in order. Each view lives in its own file.
import type { View } from '../view.js'
import { evaluateView } from './evaluate.js'
import { rulesView } from './rules.js'
import { impactView } from './impact.js'
import { feedbackView } from './feedback.js'

export const VIEWS: readonly View[] = [evaluateView, rulesView, impactView, feedbackView]
