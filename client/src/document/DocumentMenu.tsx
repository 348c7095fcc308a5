/**
 * The document's actions menu (the "..." button): the outline (when it is not beside the paper),
 * version history, download as Markdown, HTML or plain text, print (or save as PDF), and import a
 * Markdown or HTML file as a new document. Escape or a click elsewhere closes it.
 */
import type { AppendixThread } from '@tandem/shared'
import type { LexicalEditor } from 'lexical'
import { type RefObject, useEffect, useId, useRef, useState } from 'react'
import type { Navigate } from '../app/useLocation'
import { MoreIcon } from '../editor/icons'
import { openCreatedDocument } from '../home/openCreatedDocument'
import { downloadFile, type ExportFormat, exportDocument } from './exportDocument'
import { ImportFileInput } from './ImportFileInput'
import { importDocumentFile } from './importDocumentFile'

export interface DocumentMenuProps {
  editorRef: RefObject<LexicalEditor | null>
  title: string
  /** Names the creator of an imported document's links. */
  userName: string
  navigate: Navigate
  /** Opens the version history (the header's button is hidden on phones). */
  onShowHistory?: () => void
  /** Opens the outline as a drawer; absent where the outline already shows beside the paper. */
  onShowOutline?: () => void
  /** The document's comment threads, appended to downloads. */
  readComments?: () => readonly AppendixThread[]
}

const DOWNLOADS: ReadonlyArray<{ format: ExportFormat; label: string }> = [
  { format: 'markdown', label: 'Download as Markdown (.md)' },
  { format: 'html', label: 'Download as HTML (.html)' },
  { format: 'text', label: 'Download as plain text (.txt)' },
]

export function DocumentMenu({
  editorRef,
  title,
  userName,
  navigate,
  onShowHistory,
  onShowOutline,
  readComments,
}: DocumentMenuProps) {
  const [open, setOpen] = useState(false)
  const [importError, setImportError] = useState<string | null>(null)
  const [importing, setImporting] = useState(false)
  const menuId = useId()
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  const fileInput = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (!open) return
    const closeOnOutside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      setOpen(false)
      button.current?.focus()
    }
    document.addEventListener('pointerdown', closeOnOutside)
    document.addEventListener('keydown', closeOnEscape)
    // The first item takes focus, as in any menu opened from a button.
    root.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus()
    return () => {
      document.removeEventListener('pointerdown', closeOnOutside)
      document.removeEventListener('keydown', closeOnEscape)
    }
  }, [open])

  const download = (format: ExportFormat) => {
    setOpen(false)
    const editor = editorRef.current
    if (editor) downloadFile(exportDocument(editor, format, title, readComments?.() ?? []))
  }

  const importFile = async (file: File) => {
    setImporting(true)
    setImportError(null)
    try {
      openCreatedDocument(await importDocumentFile(file, userName), navigate)
    } catch (error) {
      setImportError((error as Error).message)
    } finally {
      setImporting(false)
    }
  }

  /** Up and down move between items, wrapping; Home and End jump. */
  const moveFocus = (event: React.KeyboardEvent) => {
    const items = [...(root.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])]
    const at = items.indexOf(document.activeElement as HTMLButtonElement)
    const next =
      event.key === 'ArrowDown'
        ? (at + 1) % items.length
        : event.key === 'ArrowUp'
          ? (at - 1 + items.length) % items.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? items.length - 1
              : null
    if (next === null) return
    event.preventDefault()
    items[next]?.focus()
  }

  return (
    <div className="document-menu" ref={root}>
      <button
        aria-controls={menuId}
        aria-expanded={open}
        aria-haspopup="menu"
        aria-label={importing ? 'Importing…' : 'Download, print or import'}
        className="tandem-button tandem-icon-button"
        data-testid="document-menu-button"
        disabled={importing}
        onClick={() => setOpen((value) => !value)}
        ref={button}
        title="Download, print or import"
        type="button"
      >
        <MoreIcon />
      </button>
      {open && (
        <div
          aria-label="Document actions"
          className="document-menu-popover"
          data-testid="document-menu"
          id={menuId}
          onKeyDown={moveFocus}
          role="menu"
          tabIndex={-1}
        >
          {onShowOutline && (
            <button
              className="document-menu-item"
              data-testid="show-outline"
              onClick={() => {
                setOpen(false)
                onShowOutline()
              }}
              role="menuitem"
              type="button"
            >
              Show outline
            </button>
          )}
          {onShowHistory && (
            <>
              <button
                className="document-menu-item"
                data-testid="show-history"
                onClick={() => {
                  setOpen(false)
                  onShowHistory()
                }}
                role="menuitem"
                type="button"
              >
                Version history
              </button>
              <hr className="document-menu-separator" />
            </>
          )}
          {DOWNLOADS.map(({ format, label }) => (
            <button
              className="document-menu-item"
              data-testid={`export-${format}`}
              key={format}
              onClick={() => download(format)}
              role="menuitem"
              type="button"
            >
              {label}
            </button>
          ))}
          <button
            className="document-menu-item"
            data-testid="print-document"
            onClick={() => {
              setOpen(false)
              // After the menu is gone, so it is not in the printout.
              requestAnimationFrame(() => window.print())
            }}
            role="menuitem"
            type="button"
          >
            Print or save as PDF…
          </button>
          <hr className="document-menu-separator" />
          <button
            className="document-menu-item"
            data-testid="import-document"
            onClick={() => {
              setOpen(false)
              fileInput.current?.click()
            }}
            role="menuitem"
            type="button"
          >
            Import Markdown or HTML as a new document…
          </button>
        </div>
      )}
      <ImportFileInput onFile={(file) => void importFile(file)} ref={fileInput} testId="import-file-input" />
      {importError !== null && (
        <div className="document-menu-popover document-menu-error" data-testid="import-error" role="alert">
          <p>{importError}</p>
          <button className="tandem-button" onClick={() => setImportError(null)} type="button">
            OK
          </button>
        </div>
      )}
    </div>
  )
}
