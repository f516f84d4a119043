// The Feedback tab (not built yet).
import { h, fill } from '../dom.js'
import type { View } from '../view.js'

export const feedbackView: View = {
  id: 'feedback',
  title: 'Feedback',
  mount (root) { fill(root, h('h2', {}, 'Feedback'), h('p', {}, 'Not built yet.')) }
}
