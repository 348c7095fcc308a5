/** `/`: start a new document, or reopen one this browser opened before. */
import { API_ERROR_CODES, HTTP_STATUS } from '@tandem/shared'
import { useRef, useState } from 'react'
import { ApiError, createDocument } from '../api/apiClient'
import { ErrorPanel } from '../app/ErrorPanel'
import { ThemeToggle } from '../app/ThemeToggle'
import type { Navigate } from '../app/useLocation'
import { ImportFileInput } from '../document/ImportFileInput'
import { ImportRefusedError, importDocumentFile } from '../document/importDocumentFile'
import { NamePrompt } from '../document/NamePrompt'
import { useIdentity } from '../identity/useIdentity'
import { browserStorage } from '../storage/browserStorage'
import { openCreatedDocument } from './openCreatedDocument'
import { type RecentDocument, readRecentDocuments } from './recentDocuments'

export interface HomePageProps {
  navigate: Navigate
}

export function HomePage({ navigate }: HomePageProps) {
  const { identity, setName } = useIdentity()
  const [recent] = useState(() => readRecentDocuments(browserStorage()))
  const [creating, setCreating] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [renaming, setRenaming] = useState(false)
  const fileInput = useRef<HTMLInputElement>(null)

  const create = async () => {
    setCreating(true)
    setError(null)
    try {
      // The name marks the two initial links as this person's in the share dialog.
      const created = await createDocument({ baseUrl: '' }, identity.name ? { name: identity.name } : {})
      openCreatedDocument(created, navigate)
    } catch (caught) {
      setError(caught as ApiError)
      setCreating(false)
    }
  }

  const importFile = async (file: File) => {
    setCreating(true)
    setError(null)
    try {
      openCreatedDocument(await importDocumentFile(file, identity.name), navigate)
    } catch (caught) {
      setError(
        caught instanceof ImportRefusedError
          ? new ApiError(HTTP_STATUS.PAYLOAD_TOO_LARGE, API_ERROR_CODES.PAYLOAD_TOO_LARGE, caught.message)
          : (caught as ApiError),
      )
      setCreating(false)
    }
  }

  return (
    <div className="home-page">
      <header className="home-header">
        <span className="brand">
          <span aria-hidden="true" className="brand-mark">
            T
          </span>
          Tandem
        </span>
        <div className="header-spacer" />
        {identity.name !== null && (
          <span className="muted">
            Writing as <strong data-testid="current-name">{identity.name}</strong>{' '}
            <button
              className="tandem-link-button"
              data-testid="change-name"
              onClick={() => setRenaming(true)}
              type="button"
            >
              Change
            </button>
          </span>
        )}
        <ThemeToggle />
      </header>
      <main className="home-main">
        <section className="hero">
          <h1>Write together, in real time.</h1>
          <p className="muted">
            Create a document and share its link. Everyone sees each other's edits and cursors as they type.
          </p>
          <div className="hero-actions">
            <button
              className="tandem-button tandem-button-primary tandem-button-large"
              data-testid="new-document"
              disabled={creating}
              onClick={create}
              type="button"
            >
              {creating ? 'Creating…' : 'New document'}
            </button>
            <button
              className="tandem-button tandem-button-large"
              data-testid="import-file"
              disabled={creating}
              onClick={() => fileInput.current?.click()}
              type="button"
            >
              Import Markdown or HTML
            </button>
            <ImportFileInput
              onFile={(file) => void importFile(file)}
              ref={fileInput}
              testId="home-import-input"
            />
          </div>
          {error !== null && (
            <ErrorPanel
              kind={error.status === 0 ? 'unreachable' : 'create-failed'}
              message={
                error.status === 0
                  ? 'Tandem cannot reach its server. Check your connection and try again.'
                  : error.message
              }
              title="The document could not be created"
            />
          )}
        </section>
        <section aria-labelledby="recent-title" className="recent">
          <h2 id="recent-title">Recent documents</h2>
          {recent.length === 0 ? (
            <p className="muted" data-testid="recent-empty">
              Documents you open in this browser appear here.
            </p>
          ) : (
            <ul className="recent-list" data-testid="recent-documents">
              {recent.map((entry) => (
                <RecentItem entry={entry} key={entry.id} navigate={navigate} />
              ))}
            </ul>
          )}
        </section>
      </main>
      {renaming && (
        <NamePrompt
          initialName={identity.name ?? ''}
          onCancel={() => setRenaming(false)}
          onSubmit={(name) => {
            setName(name)
            setRenaming(false)
          }}
        />
      )}
    </div>
  )
}

function RecentItem({ entry, navigate }: { entry: RecentDocument; navigate: Navigate }) {
  const link = entry.links.editor ?? entry.links.viewer
  if (link === undefined) return null
  return (
    <li>
      <a
        className="recent-item"
        data-document-id={entry.id}
        data-testid="recent-document"
        href={link}
        onClick={(event) => {
          event.preventDefault()
          navigate(link)
        }}
      >
        <span className="recent-title">{entry.title.trim() || 'Untitled'}</span>
        <span className="recent-meta">
          {entry.links.editor ? 'Can edit' : 'View only'} · {formatOpenedAt(entry.openedAt)}
        </span>
      </a>
    </li>
  )
}

function formatOpenedAt(openedAt: number): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(openedAt)
}
