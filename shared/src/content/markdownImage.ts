/**
 * An image as a Markdown line: `![alt](reference "caption")`. An uploaded image's reference is
 * `uploads/<hash>` (see uploadReference), a placeholder's its source link; importing reads the same
 * forms back, and any other link becomes a placeholder with that link (never fetched). Images are
 * blocks here, so only an image alone on its line is one; `![a](b)` inside a paragraph stays text
 * with a link, as Lexical's own LINK transformer reads it.
 */
import type { ElementTransformer } from '@lexical/markdown'
import { $createImageNode, $isImageNode, ImageNode } from '../ImageNode'
import { hashFromReference, uploadReference } from '../uploads'

/** `![alt](<ref> "caption")` or `![alt](ref "caption")`, with `\]`, `\"` and `\\` escapes. */
const IMAGE_LINE =
  /^!\[((?:[^\]\\]|\\.)*)\]\(\s*(?:<([^<>\n]*)>|([^\s()<>]*))(?:\s+"((?:[^"\\]|\\.)*)")?\s*\)\s*$/

export const IMAGE: ElementTransformer = {
  dependencies: [ImageNode],
  export: (node) => {
    if (!$isImageNode(node)) return null
    const { hash, sourceUrl, altText, caption } = node.getFields()
    const reference = hash !== null ? uploadReference(hash) : (sourceUrl ?? '')
    const title = caption === '' ? '' : ` "${escapeField(caption, '"')}"`
    return `![${escapeField(altText, ']')}](${encodeParentheses(reference)}${title})`
  },
  regExp: IMAGE_LINE,
  replace: (parentNode, _children, match) => {
    const reference = (match[2] ?? match[3] ?? '').trim()
    const hash = hashFromReference(reference)
    parentNode.replace(
      $createImageNode({
        hash,
        sourceUrl: hash === null ? reference : null,
        altText: unescapeField(match[1] ?? ''),
        caption: unescapeField(match[4] ?? ''),
      }),
    )
  },
  type: 'element',
}

/** Backslash-escapes backslashes and `closing` (the character that would end the field). */
function escapeField(text: string, closing: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll(closing, `\\${closing}`).replaceAll('\n', ' ')
}

function unescapeField(text: string): string {
  return text.replace(/\\(.)/g, '$1')
}

/** Parentheses break a Markdown link target; their percent-encoding is the same URL. */
function encodeParentheses(reference: string): string {
  return reference.replaceAll('(', '%28').replaceAll(')', '%29').replaceAll(' ', '%20')
}
