/**
 * One version, read-only, with what changed since an older one marked in its author's colour
 * (versionDiff.ts): insertions tinted and underlined, deletions struck through. A plain Lexical
 * editor, not the collaborative one: it is bound to a throwaway GC-off document, never to the room.
 * Decorator nodes (images) are rendered here, as LexicalComposer would: a bare editor only leaves
 * their empty host element, so images showed blank.
 */
import {
  createLexicalComposerContext,
  LexicalComposerContext,
  type LexicalComposerContextWithEditor,
} from '@lexical/react/LexicalComposerContext'
import { EDITOR_NODES } from '@tandem/shared/editorNodes'
import { createEditor, type LexicalEditor, type NodeKey } from 'lexical'
import { type ReactNode, useEffect, useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import { editorTheme } from '../editor/editorTheme'
import { colorForUser } from '../identity/identity'
import { withImageView } from '../images/ImageNodeView'
import { renderVersionDiff } from './versionDiff'

export interface VersionViewProps {
  /** The version to show (a full Yjs state). */
  newer: Uint8Array
  /** What to compare it with; null: everything in `newer` counts as added. */
  older: Uint8Array | null
  /** Who wrote with a Yjs client id, from the versions' client lists. */
  authorOf: (clientId: number) => string | undefined
}

interface LegendEntry {
  readonly name: string
  readonly color: string
}

export function VersionView({ newer, older, authorOf }: VersionViewProps) {
  const contentRef = useRef<HTMLDivElement>(null)
  const [legend, setLegend] = useState<readonly LegendEntry[]>([])
  const [changeCount, setChangeCount] = useState(0)
  const [composer, setComposer] = useState<LexicalComposerContextWithEditor | null>(null)
  const [decorators, setDecorators] = useState<Readonly<Record<NodeKey, ReactNode>>>({})

  useEffect(() => {
    const root = contentRef.current
    if (!root) return
    const editor = createEditor({
      namespace: 'tandem-history',
      // The web app's image node, whose decorate() renders the picture (the shared one renders nothing).
      nodes: withImageView(EDITOR_NODES),
      theme: editorTheme,
      editable: false,
      onError: (error) => console.error('history view:', error),
    })
    editor.setRootElement(root)
    const stopDecorators = editor.registerDecoratorListener<ReactNode>((next) => setDecorators(next))
    const { doc, changes } = renderVersionDiff(editor, older, newer)
    const authors = new Map<string, string>()
    for (const change of changes) {
      const element = editor.getElementByKey(change.key)
      if (!element) continue
      const name = authorOf(change.client) ?? 'Someone'
      const color = colorForUser(name)
      authors.set(name, color)
      element.classList.add(change.type === 'added' ? 'history-added' : 'history-removed')
      element.style.setProperty('--history-author', color)
      element.dataset.historyAuthor = name
      element.title = change.type === 'added' ? `Added by ${name}` : `Deleted (written by ${name})`
    }
    setLegend([...authors].map(([name, color]) => ({ name, color })))
    setChangeCount(changes.length)
    setDecorators(editor.getDecorators<ReactNode>())
    setComposer([editor, createLexicalComposerContext(null, editorTheme)])
    return () => {
      stopDecorators()
      setComposer(null)
      setDecorators({})
      editor.setRootElement(null)
      doc.destroy()
    }
  }, [newer, older, authorOf])

  return (
    <div className="history-version">
      <div className="history-legend" data-testid="history-legend">
        {changeCount === 0 ? (
          <span className="history-legend-none">No changes</span>
        ) : (
          legend.map(({ name, color }) => (
            <span className="history-legend-entry" key={name}>
              <span aria-hidden="true" className="history-dot" style={{ background: color }} />
              {name}
            </span>
          ))
        )}
      </div>
      <div className="tandem-editor" data-readonly="true">
        <div
          aria-label="Version content"
          className="tandem-content-editable history-content"
          data-testid="history-content"
          ref={contentRef}
          role="document"
        />
        {composer && (
          <LexicalComposerContext.Provider value={composer}>
            <Decorators decorators={decorators} editor={composer[0]} />
          </LexicalComposerContext.Provider>
        )}
      </div>
    </div>
  )
}

/** Each decorator node's view, in its host element (what LexicalComposer's decorator portals do). */
function Decorators({
  editor,
  decorators,
}: {
  editor: LexicalEditor
  decorators: Readonly<Record<NodeKey, ReactNode>>
}) {
  return Object.entries(decorators).map(([key, decorator]) => {
    const host = editor.getElementByKey(key)
    return host ? createPortal(decorator, host, key) : null
  })
}
