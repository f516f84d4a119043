// The Rules tab (not built yet).
import { h, fill } from '../dom.js'
import type { View } from '../view.js'

export const rulesView: View = {
  id: 'rules',
  title: 'Rules',
  mount (root) { fill(root, h('h2', {}, 'Rules'), h('p', {}, 'Not built yet.')) }
}
