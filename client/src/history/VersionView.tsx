/**
 * One version, read-only, with what changed since an older one marked in its author's colour
 * (versionDiff.ts): insertions tinted and underlined, deletions struck through. A plain Lexical
 * editor, not the collaborative one: it is bound to a throwaway GC-off document, never to the room.
 */
import { EDITOR_NODES } from '@tandem/shared/editorNodes'
import { createEditor } from 'lexical'
import { useEffect, useRef, useState } from 'react'
import { editorTheme } from '../editor/editorTheme'
import { colorForUser } from '../identity/identity'
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

  useEffect(() => {
    const root = contentRef.current
    if (!root) return
    const editor = createEditor({
      namespace: 'tandem-history',
      nodes: [...EDITOR_NODES],
      theme: editorTheme,
      editable: false,
      onError: (error) => console.error('history view:', error),
    })
    editor.setRootElement(root)
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
    return () => {
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
      </div>
    </div>
  )
}
