/**
 * The outline: the document's headings as a table of contents beside the editor. Live as anyone
 * edits headings; clicking one scrolls to it; the section being read is marked.
 */
import type { LexicalEditor, NodeKey } from 'lexical'
import { useEffect, useState } from 'react'
import { $readOutlineHeadings, type OutlineHeading, sameOutline } from './outlineHeadings'

export interface DocumentOutlineProps {
  /** The editor whose headings to show; null until it exists. */
  editor: LexicalEditor | null
}

/** The section being read is the last heading above this line (px from the viewport's top). */
const READING_LINE_PX = 180

export function DocumentOutline({ editor }: DocumentOutlineProps) {
  const [headings, setHeadings] = useState<readonly OutlineHeading[]>([])
  const [currentKey, setCurrentKey] = useState<NodeKey | null>(null)

  useEffect(() => {
    if (editor === null) return undefined
    const read = () => {
      const next = editor.getEditorState().read($readOutlineHeadings)
      setHeadings((previous) => (sameOutline(previous, next) ? previous : next))
    }
    read()
    return editor.registerUpdateListener(({ dirtyElements, dirtyLeaves }) => {
      if (dirtyElements.size > 0 || dirtyLeaves.size > 0) read()
    })
  }, [editor])

  // Any scroller may move the headings (the page, or the editor's box in an embed): listen in capture.
  useEffect(() => {
    if (editor === null) return undefined
    let frame = 0
    const measure = () => {
      frame = 0
      setCurrentKey(findCurrentHeading(editor, headings))
    }
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(measure)
    }
    measure()
    window.addEventListener('scroll', schedule, { capture: true, passive: true })
    window.addEventListener('resize', schedule, { passive: true })
    return () => {
      window.removeEventListener('scroll', schedule, { capture: true })
      window.removeEventListener('resize', schedule)
      cancelAnimationFrame(frame)
    }
  }, [editor, headings])

  const scrollTo = (key: NodeKey) => {
    const reduceMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true
    editor
      ?.getElementByKey(key)
      ?.scrollIntoView({ block: 'start', behavior: reduceMotion ? 'auto' : 'smooth' })
  }

  return (
    <nav aria-label="Outline" className="tandem-outline" data-testid="outline">
      <h2 className="tandem-outline-title">Outline</h2>
      {headings.length === 0 ? (
        <p className="tandem-outline-empty">Headings you add appear here.</p>
      ) : (
        <ol className="tandem-outline-list">
          {headings.map((heading) => (
            <li className="tandem-outline-item" data-level={heading.level} key={heading.key}>
              <button
                aria-current={heading.key === currentKey ? 'location' : undefined}
                className="tandem-outline-link"
                data-testid="outline-item"
                onClick={() => scrollTo(heading.key)}
                title={heading.text}
                type="button"
              >
                {heading.text || 'Untitled heading'}
              </button>
            </li>
          ))}
        </ol>
      )}
    </nav>
  )
}

/**
 * The last heading above the reading line; at the very end of the page (where later headings can never
 * reach the line), the last heading in view.
 */
function findCurrentHeading(editor: LexicalEditor, headings: readonly OutlineHeading[]): NodeKey | null {
  let current: NodeKey | null = null
  const scroller = document.scrollingElement
  const atEnd =
    scroller !== null &&
    scroller.scrollTop > 0 &&
    scroller.scrollTop + window.innerHeight >= scroller.scrollHeight - 2
  for (const heading of headings) {
    const top = editor.getElementByKey(heading.key)?.getBoundingClientRect().top
    if (top === undefined) continue
    if (top <= READING_LINE_PX || (atEnd && top < window.innerHeight)) current = heading.key
    else break
  }
  return current
}
