/**
 * The share dialog: an editor sees every current link of the document (kind, when and by whom it was
 * made), copies, creates and revokes them; a viewer sees the view link they hold. A native <dialog>
 * opened with showModal(): the rest of the page is inert and Escape closes it; useFocusTrap makes Tab
 * cycle inside it (a native modal lets Tab leave for the browser's own UI).
 */
import { type Role, type ShareLinkInfo, shareLinkPath } from '@tandem/shared'
import { type RefObject, useCallback, useEffect, useRef, useState } from 'react'
import { type ApiError, createShareLink, listShareLinks, revokeShareLink } from '../api/apiClient'
import { absoluteUrl } from '../app/route'
import { copyText } from './copyText'
import { useFocusTrap } from './useFocusTrap'

export interface ShareDialogProps {
  documentId: string
  /** The share key this page was opened with. */
  shareKey: string
  /** Its role: only an edit key may list, create and revoke links. */
  role: Role
  /** Display name recorded as the creator of new links. */
  userName: string
  /** Focus goes back here when the dialog closes (the Share button). */
  returnFocusTo?: RefObject<HTMLElement | null>
  onClose: () => void
}

const SECTIONS: ReadonlyArray<{ role: Role; title: string; hint: string; create: string; testId: string }> = [
  {
    role: 'editor',
    title: 'Edit links',
    hint: 'Anyone with an edit link can change the document.',
    create: 'New edit link',
    testId: 'edit',
  },
  {
    role: 'commenter',
    title: 'Comment links',
    hint: 'Anyone with a comment link can read along and comment, but not change the text.',
    create: 'New comment link',
    testId: 'comment',
  },
  {
    role: 'viewer',
    title: 'View links',
    hint: 'Anyone with a view link can read along live, but not change anything.',
    create: 'New view link',
    testId: 'view',
  },
]

type LinksState =
  | { readonly phase: 'loading' }
  | { readonly phase: 'ready'; readonly links: readonly ShareLinkInfo[] }
  | { readonly phase: 'failed'; readonly message: string }

const API = { baseUrl: '' } as const

export function ShareDialog({
  documentId,
  shareKey,
  role,
  userName,
  returnFocusTo,
  onClose,
}: ShareDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null)
  const canManage = role === 'editor'
  const ownPath = shareLinkPath(documentId, shareKey)
  const [state, setState] = useState<LinksState>(() =>
    canManage ? { phase: 'loading' } : { phase: 'ready', links: [viewerOwnLink(ownPath)] },
  )
  const [busy, setBusy] = useState<string | null>(null)
  const [confirming, setConfirming] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  useFocusTrap(dialogRef)

  useEffect(() => {
    const dialog = dialogRef.current
    if (dialog !== null && !dialog.open) dialog.showModal()
    const focusBack = returnFocusTo?.current
    return () => focusBack?.focus()
  }, [returnFocusTo])

  const load = useCallback(
    async (signal?: AbortSignal) => {
      if (!canManage) return
      try {
        const { links } = await listShareLinks({ ...API, signal }, documentId, shareKey)
        setState({ phase: 'ready', links })
      } catch (caught) {
        if (signal?.aborted) return
        setState({ phase: 'failed', message: (caught as ApiError).message })
      }
    },
    [canManage, documentId, shareKey],
  )
  useEffect(() => {
    const controller = new AbortController()
    void load(controller.signal)
    return () => controller.abort()
  }, [load])

  const create = async (linkRole: Role) => {
    setBusy(`create-${linkRole}`)
    setError(null)
    try {
      const link = await createShareLink(API, documentId, shareKey, linkRole, userName)
      setState((current) => ({
        phase: 'ready',
        links: [...(current.phase === 'ready' ? current.links : []), link],
      }))
    } catch (caught) {
      setError(`The link could not be created: ${(caught as ApiError).message}`)
    } finally {
      setBusy(null)
    }
  }

  const revoke = async (keyId: string) => {
    setBusy(`revoke-${keyId}`)
    setError(null)
    try {
      await revokeShareLink(API, documentId, shareKey, keyId)
      setConfirming(null)
      setState((current) =>
        current.phase === 'ready'
          ? { phase: 'ready', links: current.links.filter((link) => link.keyId !== keyId) }
          : current,
      )
    } catch (caught) {
      setError(`The link could not be revoked: ${(caught as ApiError).message}`)
    } finally {
      setBusy(null)
    }
  }

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: Escape is the dialog's own cancel event; the click only catches the backdrop.
    <dialog
      aria-labelledby="share-title"
      className="modal share-dialog"
      data-testid="share-dialog"
      onCancel={(event) => {
        // Escape backs out of a pending revocation first, then closes the dialog (through React).
        event.preventDefault()
        if (confirming !== null) setConfirming(null)
        else onClose()
      }}
      onClick={(event) => {
        // A click on the backdrop targets the <dialog> itself, but so does one on its padding:
        // only a pointer click outside the dialog's box closes it (keyboard clicks have no position).
        const dialog = dialogRef.current
        if (dialog === null || event.target !== dialog || event.detail === 0) return
        const box = dialog.getBoundingClientRect()
        const inside =
          event.clientX >= box.left &&
          event.clientX <= box.right &&
          event.clientY >= box.top &&
          event.clientY <= box.bottom
        if (!inside) onClose()
      }}
      ref={dialogRef}
    >
      <h2 id="share-title">Share this document</h2>
      {state.phase === 'loading' && (
        <p className="muted" data-testid="share-loading">
          Loading links…
        </p>
      )}
      {state.phase === 'failed' && (
        <div className="share-error" data-testid="share-error" role="alert">
          <p>The links could not be loaded: {state.message}</p>
          <button className="tandem-button" onClick={() => void load()} type="button">
            Try again
          </button>
        </div>
      )}
      {state.phase === 'failed' && (
        // The link in use is known without the server (offline, say): it can still be copied.
        <ul className="share-links">
          <ShareLinkRow
            busy={false}
            canRevoke={false}
            confirming={false}
            link={{ ...viewerOwnLink(ownPath), role }}
            onAskRevoke={() => {}}
            onCancelRevoke={() => {}}
            onRevoke={() => {}}
            own
          />
        </ul>
      )}
      {state.phase === 'ready' &&
        SECTIONS.filter((section) => canManage || section.role === role).map((section) => {
          const links = state.links.filter((link) => link.role === section.role)
          return (
            <section
              aria-labelledby={`share-${section.testId}-title`}
              className="share-section"
              key={section.role}
            >
              <div className="share-section-header">
                <h3 id={`share-${section.testId}-title`}>{section.title}</h3>
                {canManage && (
                  <button
                    className="tandem-button"
                    data-testid={`share-create-${section.testId}`}
                    disabled={busy !== null}
                    onClick={() => void create(section.role)}
                    type="button"
                  >
                    {busy === `create-${section.role}` ? 'Creating…' : section.create}
                  </button>
                )}
              </div>
              <p className="muted share-hint">{section.hint}</p>
              {links.length === 0 ? (
                <p className="muted share-empty" data-testid={`share-none-${section.testId}`}>
                  No {linkKind(section.role)} links. Nobody can join this way.
                </p>
              ) : (
                <ul className="share-links">
                  {links.map((link) => (
                    <ShareLinkRow
                      busy={busy === `revoke-${link.keyId}`}
                      canRevoke={canManage}
                      confirming={confirming === link.keyId}
                      key={link.keyId}
                      link={link}
                      onAskRevoke={() => setConfirming(link.keyId)}
                      onCancelRevoke={() => setConfirming(null)}
                      onRevoke={() => void revoke(link.keyId)}
                      own={link.url === ownPath}
                    />
                  ))}
                </ul>
              )}
            </section>
          )
        })}
      {!canManage && (
        <p className="muted" data-testid="share-viewer-note">
          Only people with an edit link can see or create other links.
        </p>
      )}
      {error !== null && (
        <p className="share-error" data-testid="share-action-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button className="tandem-button" data-testid="share-close" onClick={onClose} type="button">
          Done
        </button>
      </div>
    </dialog>
  )
}

/** What a link of `role` is called: "edit", "comment" or "view". */
function linkKind(role: Role): string {
  return role === 'editor' ? 'edit' : role === 'commenter' ? 'comment' : 'view'
}

/** The link this page was opened with, as far as the page knows it (no id, time or creator). */
function viewerOwnLink(path: string): ShareLinkInfo {
  return { keyId: '', role: 'viewer', url: path, createdAt: 0, createdBy: null }
}

function describeOrigin(link: ShareLinkInfo, own: boolean): string {
  const parts: string[] = []
  if (link.createdAt > 0) {
    const when = new Date(link.createdAt).toLocaleString(undefined, {
      dateStyle: 'medium',
      timeStyle: 'short',
    })
    parts.push(link.createdBy ? `Created ${when} by ${link.createdBy}` : `Created ${when}`)
  }
  if (own) parts.push('the link you opened')
  return parts.join(' · ')
}

function ShareLinkRow(props: {
  link: ShareLinkInfo
  own: boolean
  canRevoke: boolean
  confirming: boolean
  busy: boolean
  onAskRevoke: () => void
  onCancelRevoke: () => void
  onRevoke: () => void
}) {
  const { link, own, confirming } = props
  const inputRef = useRef<HTMLInputElement>(null)
  const cancelRef = useRef<HTMLButtonElement>(null)
  const [copied, setCopied] = useState(false)
  const [copyBlocked, setCopyBlocked] = useState(false)
  const url = link.url === null ? null : absoluteUrl(link.url, window.location.origin)
  const kind = linkKind(link.role)
  useEffect(() => {
    // The safe choice gets focus, so a stray Enter does not revoke.
    if (confirming) cancelRef.current?.focus()
  }, [confirming])

  return (
    <li
      className="share-link"
      data-key-id={link.keyId || undefined}
      data-own={own || undefined}
      data-role={link.role}
      data-testid="share-link-row"
    >
      <div className="share-field">
        <input
          aria-label={`${kind} link`}
          className="text-input"
          data-testid="share-link-url"
          onFocus={(event) => event.currentTarget.select()}
          placeholder="This older link cannot be shown again"
          readOnly
          ref={inputRef}
          value={url ?? ''}
        />
        <button
          className="tandem-button tandem-button-primary"
          data-testid="share-link-copy"
          disabled={url === null}
          onClick={async () => {
            if (url === null) return
            const done = await copyText(url, inputRef.current)
            setCopied(done)
            setCopyBlocked(!done)
          }}
          type="button"
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        {props.canRevoke && !confirming && (
          <button
            aria-label={`Revoke this ${kind} link`}
            className="tandem-button tandem-button-danger"
            data-testid="share-link-revoke"
            onClick={props.onAskRevoke}
            type="button"
          >
            Revoke
          </button>
        )}
      </div>
      <p className="muted share-meta" data-testid="share-link-meta">
        {describeOrigin(link, own)}
      </p>
      {copyBlocked && (
        // Plain HTTP on a LAN address has no Clipboard API, and the legacy command can be refused too.
        <p className="muted" data-testid="share-copy-blocked" role="status">
          The browser did not let this page copy (it is not served over HTTPS). The link is selected: press
          Ctrl+C (⌘C on a Mac).
        </p>
      )}
      {confirming && (
        <div className="share-confirm" data-testid="share-revoke-prompt">
          <p className="share-confirm-text" id={`share-revoke-${link.keyId}`}>
            Revoke this {kind} link? Everyone using it loses access at once.
            {own && ' It is the link you opened: you will lose access too.'}
          </p>
          <div className="share-confirm-actions">
            <button
              className="tandem-button"
              // Focused first, so a screen reader reads the question with it.
              aria-describedby={`share-revoke-${link.keyId}`}
              data-testid="share-revoke-cancel"
              onClick={props.onCancelRevoke}
              ref={cancelRef}
              type="button"
            >
              Keep it
            </button>
            <button
              className="tandem-button tandem-button-danger-solid"
              data-testid="share-revoke-confirm"
              disabled={props.busy}
              onClick={props.onRevoke}
              type="button"
            >
              {props.busy ? 'Revoking…' : 'Revoke link'}
            </button>
          </div>
        </div>
      )}
    </li>
  )
}
