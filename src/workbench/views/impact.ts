// The Impact tab (not built yet).
import { h, fill } from '../dom.js'
import type { View } from '../view.js'

export const impactView: View = {
  id: 'impact',
  title: 'Impact',
  mount (root) { fill(root, h('h2', {}, 'Impact'), h('p', {}, 'Not built yet.')) }
}
