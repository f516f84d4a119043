// The Evaluate tab (not built yet).
import { h, fill } from '../dom.js'
import type { View } from '../view.js'

export const evaluateView: View = {
  id: 'evaluate',
  title: 'Evaluate',
  mount (root) { fill(root, h('h2', {}, 'Evaluate'), h('p', {}, 'Not built yet.')) }
}
