// Card detail as an EHR shows it: CDS Hooks `detail` is GitHub-flavoured Markdown, rendered by marked and
// sanitised by DOMPurify into a DOM fragment (no string of markup ever reaches innerHTML of the page).
import DOMPurify from 'dompurify'
import { marked } from 'marked'

/** Markdown to a sanitised fragment: no script, no style attribute, links open in a new tab safely. */
export function markdownFragment (markdown: string): DocumentFragment {
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: false })
  const fragment = DOMPurify.sanitize(html, {
    RETURN_DOM_FRAGMENT: true,
    FORBID_TAGS: ['style', 'form', 'input', 'img'],
    FORBID_ATTR: ['style']
  })
  for (const a of fragment.querySelectorAll('a')) {
    a.setAttribute('target', '_blank')
    a.setAttribute('rel', 'noopener noreferrer')
  }
  return fragment
}
