/** Shows the document's edit and view links with copy buttons; an editor can create a missing link. */
import type { Role } from '@tandem/shared'
import { useEffect, useRef, useState } from 'react'
import { type ApiError, createShareLink } from '../api/apiClient'
import { absoluteUrl } from '../app/route'
import { useFocusTrap } from './useFocusTrap'

export interface ShareDialogProps {
  documentId: string
  /** App-relative links by role (`/d/<id>#key=...`) this browser knows. */
  links: Partial<Record<Role, string>>
  /** The edit key in use, when the person is an editor: it authorizes creating links. */
  editKey: string | null
  onLinkCreated: (role: Role, path: string) => void
  onClose: () => void
}

const ROWS: ReadonlyArray<{ role: Role; label: string; hint: string; testId: string }> = [
  { role: 'editor', label: 'Edit link', hint: 'Anyone with this link can edit.', testId: 'edit' },
  {
    role: 'viewer',
    label: 'View link',
    hint: 'Anyone with this link can read along live, but not change anything.',
    testId: 'view',
  },
]

export function ShareDialog({ documentId, links, editKey, onLinkCreated, onClose }: ShareDialogProps) {
  const [copied, setCopied] = useState<Role | null>(null)
  const [creating, setCreating] = useState<Role | null>(null)
  const [error, setError] = useState<string | null>(null)
  const closeRef = useRef<HTMLButtonElement>(null)
  const dialogRef = useRef<HTMLDivElement>(null)
  useFocusTrap(dialogRef)
  useEffect(() => {
    closeRef.current?.focus()
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])

  const [copyBlocked, setCopyBlocked] = useState(false)
  const copy = async (role: Role, url: string, input: HTMLInputElement | null) => {
    try {
      // Undefined outside secure contexts (plain HTTP on a LAN address): the fallback below runs.
      await navigator.clipboard.writeText(url)
    } catch {
      input?.select()
      if (!document.execCommand('copy')) {
        // The link stays selected: say how to copy it instead of claiming it was copied.
        setCopied(null)
        setCopyBlocked(true)
        return
      }
    }
    setCopyBlocked(false)
    setCopied(role)
  }

  const create = async (role: Role) => {
    if (editKey === null) return
    setCreating(role)
    setError(null)
    try {
      const link = await createShareLink({ baseUrl: '' }, documentId, editKey, role)
      onLinkCreated(role, link.url)
    } catch (caught) {
      setError((caught as ApiError).message)
    } finally {
      setCreating(null)
    }
  }

  return (
    <div className="modal-backdrop">
      <div
        aria-labelledby="share-title"
        aria-modal="true"
        className="modal share-dialog"
        data-testid="share-dialog"
        ref={dialogRef}
        role="dialog"
      >
        <h2 id="share-title">Share this document</h2>
        {ROWS.map(({ role, label, hint, testId }) => {
          const path = links[role]
          const url = path === undefined ? undefined : absoluteUrl(path, window.location.origin)
          return (
            <ShareRow
              canCreate={editKey !== null}
              copied={copied === role}
              creating={creating === role}
              hint={
                url !== undefined
                  ? hint
                  : editKey !== null
                    ? 'No link yet.'
                    : 'Only editors can create this link.'
              }
              key={role}
              label={label}
              onCopy={(input) => url !== undefined && copy(role, url, input)}
              onCreate={() => create(role)}
              testId={testId}
              url={url}
            />
          )
        })}
        {copyBlocked && (
          <p className="muted" data-testid="share-copy-blocked" role="status">
            The browser did not let this page copy (it is not served over HTTPS). The link is selected: press
            Ctrl+C (⌘C on a Mac).
          </p>
        )}
        {error !== null && (
          <p className="share-error" data-testid="share-error" role="alert">
            The link could not be created: {error}
          </p>
        )}
        <div className="modal-actions">
          <button
            className="tandem-button"
            data-testid="share-close"
            onClick={onClose}
            ref={closeRef}
            type="button"
          >
            Done
          </button>
        </div>
      </div>
    </div>
  )
}

function ShareRow(props: {
  label: string
  hint: string
  url: string | undefined
  copied: boolean
  creating: boolean
  canCreate: boolean
  testId: string
  onCopy: (input: HTMLInputElement | null) => void
  onCreate: () => void
}) {
  const inputRef = useRef<HTMLInputElement>(null)
  return (
    <div className="share-row">
      <label htmlFor={`share-${props.testId}`}>{props.label}</label>
      <div className="share-field">
        <input
          className="text-input"
          data-testid={`share-${props.testId}-link`}
          disabled={props.url === undefined}
          id={`share-${props.testId}`}
          onFocus={(event) => event.currentTarget.select()}
          readOnly
          ref={inputRef}
          value={props.url ?? ''}
        />
        {props.url === undefined && props.canCreate ? (
          <button
            className="tandem-button tandem-button-primary"
            data-testid={`share-create-${props.testId}`}
            disabled={props.creating}
            onClick={props.onCreate}
            type="button"
          >
            {props.creating ? 'Creating…' : 'Create link'}
          </button>
        ) : (
          <button
            className="tandem-button tandem-button-primary"
            data-testid={`share-copy-${props.testId}`}
            disabled={props.url === undefined}
            onClick={() => props.onCopy(inputRef.current)}
            type="button"
          >
            {props.copied ? 'Copied' : 'Copy'}
          </button>
        )}
      </div>
      <p className="muted">{props.hint}</p>
    </div>
  )
}
