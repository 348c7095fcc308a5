/** The document's headings, for the outline. Call inside `editor.read` (the `$` prefix). */
import { $isHeadingNode } from '@lexical/rich-text'
import { $getRoot, type NodeKey } from 'lexical'

/** Headings past this many are left out of the outline (a pasted log can hold thousands). */
export const MAX_OUTLINE_HEADINGS = 500
/** Longer heading text is cut in the outline (and ellipsised by CSS well before). */
const MAX_OUTLINE_TEXT_LENGTH = 200

export interface OutlineHeading {
  key: NodeKey
  /** 1 for h1, 2 for h2, ... */
  level: number
  text: string
}

/** Headings are top-level blocks in Tandem's documents (lists and quotes hold none). */
export function $readOutlineHeadings(): OutlineHeading[] {
  const headings: OutlineHeading[] = []
  for (const block of $getRoot().getChildren()) {
    if (!$isHeadingNode(block)) continue
    headings.push({
      key: block.getKey(),
      level: Number(block.getTag().slice(1)),
      text: block.getTextContent().trim().slice(0, MAX_OUTLINE_TEXT_LENGTH),
    })
    if (headings.length >= MAX_OUTLINE_HEADINGS) break
  }
  return headings
}

export function sameOutline(a: readonly OutlineHeading[], b: readonly OutlineHeading[]): boolean {
  return (
    a.length === b.length &&
    a.every((heading, index) => {
      const other = b[index]
      return (
        other !== undefined &&
        other.key === heading.key &&
        other.level === heading.level &&
        other.text === heading.text
      )
    })
  )
}
