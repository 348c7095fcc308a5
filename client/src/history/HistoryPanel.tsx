/**
 * Version history (issue 19): the document as it was at each version, read-only, with what changed
 * since the previous one (or any other version) marked by author; editors name the current version,
 * rename versions and restore one, which changes the live document for everyone as one new edit.
 */
import { SHARE_KEY_AUTH_SCHEME, type VersionCommentsResponse, type VersionSummary } from '@tandem/shared'
import { type RefObject, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import {
  type ApiClientOptions,
  fetchVersionComments,
  fetchVersionState,
  listVersions,
  nameCurrentVersion,
  renameVersion,
  restoreVersion,
} from '../api/apiClient'
import { CloseIcon } from '../editor/icons'
import { ImageUploads } from '../images/ImageUploads'
import { type ImageServices, ImageServicesContext } from '../images/ImageUploadsContext'
import { UploadTasks } from '../images/UploadTasks'
import { formatVersionTime, VersionList } from './VersionList'
import { VersionThreads } from './VersionThreads'
import { VersionView } from './VersionView'

export interface HistoryPanelProps {
  documentId: string
  /** The share key the page was opened with: view keys browse, edit keys also name and restore. */
  shareKey: string
  onClose: () => void
  /** Gets focus back when the panel closes. */
  returnFocusTo?: RefObject<HTMLElement | null>
}

/** Compare with the version just before the selected one (the default), or with a chosen one. */
const PREVIOUS = 'previous'

const API: ApiClientOptions = { baseUrl: '' }

export function HistoryPanel({ documentId, shareKey, onClose, returnFocusTo }: HistoryPanelProps) {
  const [versions, setVersions] = useState<readonly VersionSummary[] | null>(null)
  const [canEdit, setCanEdit] = useState(false)
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const [compareId, setCompareId] = useState<string>(PREVIOUS)
  const [states, setStates] = useState<ReadonlyMap<string, Uint8Array>>(new Map())
  const [threads, setThreads] = useState<ReadonlyMap<string, VersionCommentsResponse>>(new Map())
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [confirmingRestore, setConfirmingRestore] = useState(false)
  const panelRef = useRef<HTMLDivElement>(null)
  // Images of the versions shown: signed URLs listed with the page's share key (the panel has no session).
  const images = useMemo<ImageServices>(
    () => ({
      uploads: new ImageUploads({
        httpBase: '',
        room: documentId,
        getToken: () => '',
        getAuthorization: () => `${SHARE_KEY_AUTH_SCHEME} ${shareKey}`,
      }),
      tasks: new UploadTasks(),
    }),
    [documentId, shareKey],
  )
  useEffect(() => () => images.uploads.destroy(), [images])

  const refresh = useCallback(async () => {
    try {
      const list = await listVersions(API, documentId, shareKey)
      setVersions(list.versions)
      setCanEdit(list.canEdit)
      setSelectedId((current) => current ?? list.versions[0]?.id ?? null)
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure))
    }
  }, [documentId, shareKey])

  useEffect(() => {
    void refresh()
  }, [refresh])

  useEffect(() => {
    panelRef.current?.focus()
    const returnTo = returnFocusTo?.current
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose()
    }
    document.addEventListener('keydown', closeOnEscape)
    return () => {
      document.removeEventListener('keydown', closeOnEscape)
      returnTo?.focus()
    }
  }, [onClose, returnFocusTo])

  const selectedIndex = versions?.findIndex((version) => version.id === selectedId) ?? -1
  const selected = selectedIndex >= 0 ? versions![selectedIndex]! : null
  // The older side of the comparison: the previous version, or the chosen one (whichever is older).
  const baseline = useMemo(() => {
    if (!versions || !selected) return null
    if (compareId === PREVIOUS) return versions[selectedIndex + 1] ?? null
    return versions.find((version) => version.id === compareId) ?? null
  }, [versions, selected, selectedIndex, compareId])
  const [newerVersion, olderVersion] =
    selected && baseline && baseline.createdAt > selected.createdAt
      ? [baseline, selected]
      : [selected, baseline]

  // Fetches the states the view needs; a version never changes, so each is fetched once.
  useEffect(() => {
    const wanted = [newerVersion, olderVersion].filter(
      (version): version is VersionSummary => version !== null && !states.has(version.id),
    )
    if (wanted.length === 0) return
    const controller = new AbortController()
    void Promise.all(
      wanted.map(
        async (version) =>
          [
            version.id,
            await fetchVersionState({ ...API, signal: controller.signal }, documentId, shareKey, version.id),
          ] as const,
      ),
    )
      .then((fetched) => setStates((current) => new Map([...current, ...fetched])))
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setError(failure instanceof Error ? failure.message : String(failure))
      })
    return () => controller.abort()
  }, [newerVersion, olderVersion, states, documentId, shareKey])

  // The threads stored with the version shown (the newer side), fetched once each like states.
  const shownId = newerVersion?.id
  useEffect(() => {
    if (shownId === undefined || threads.has(shownId)) return
    const controller = new AbortController()
    fetchVersionComments({ ...API, signal: controller.signal }, documentId, shareKey, shownId)
      .then((fetched) => setThreads((current) => new Map([...current, [shownId, fetched]])))
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setError(failure instanceof Error ? failure.message : String(failure))
      })
    return () => controller.abort()
  }, [shownId, threads, documentId, shareKey])

  // Every client id any listed version names: deletions can be of text written long before.
  const authors = useMemo(() => {
    const map = new Map<number, string>()
    for (const version of versions ?? [])
      for (const [clientId, name] of version.clients) map.set(clientId, name)
    return map
  }, [versions])
  const authorOf = useCallback((clientId: number) => authors.get(clientId), [authors])

  /** Runs a change, then lists again; false (and the error shown) when it failed. */
  const run = async (work: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true)
    setError(null)
    try {
      await work()
      await refresh()
      return true
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure))
      return false
    } finally {
      setBusy(false)
    }
  }

  const newerState = newerVersion ? states.get(newerVersion.id) : undefined
  const olderState = olderVersion ? states.get(olderVersion.id) : null

  return (
    <div
      aria-label="Version history"
      aria-modal="true"
      className="history-panel"
      data-testid="history-panel"
      ref={panelRef}
      role="dialog"
      tabIndex={-1}
    >
      <header className="history-header">
        <h2 className="history-title">Version history</h2>
        {selected && versions && versions.length > 1 && (
          <label className="history-compare">
            <span>Compare with</span>
            <select
              data-testid="history-compare"
              onChange={(event) => setCompareId(event.target.value)}
              value={compareId}
            >
              <option value={PREVIOUS}>Previous version</option>
              {versions
                .filter((version) => version.id !== selected.id)
                .map((version) => (
                  <option key={version.id} value={version.id}>
                    {versionLabel(version)}
                  </option>
                ))}
            </select>
          </label>
        )}
        <div className="header-spacer" />
        {canEdit &&
          selected &&
          selectedIndex >= 0 &&
          (confirmingRestore ? (
            <span className="history-confirm">
              <button
                className="tandem-button tandem-button-primary"
                data-testid="history-restore-confirm"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await restoreVersion(API, documentId, shareKey, selected.id)
                    onClose()
                  })
                }
                type="button"
              >
                Restore for everyone
              </button>
              <button className="tandem-button" onClick={() => setConfirmingRestore(false)} type="button">
                Cancel
              </button>
            </span>
          ) : (
            <button
              className="tandem-button tandem-button-primary"
              data-testid="history-restore"
              onClick={() => setConfirmingRestore(true)}
              type="button"
            >
              Restore this version
            </button>
          ))}
        <button
          aria-label="Close version history"
          className="tandem-button tandem-icon-button"
          data-testid="history-close"
          onClick={onClose}
          type="button"
        >
          <CloseIcon />
        </button>
      </header>
      {error && (
        <p className="history-error" role="alert">
          {error}
        </p>
      )}
      <div className="history-body">
        <div className="history-stage">
          <div className="paper history-paper">
            {newerState ? (
              <ImageServicesContext.Provider value={images}>
                <VersionView
                  authorOf={authorOf}
                  newer={newerState}
                  older={olderVersion ? (olderState ?? null) : null}
                />
              </ImageServicesContext.Provider>
            ) : (
              <p className="history-empty">{versions?.length === 0 ? 'No versions yet.' : 'Loading…'}</p>
            )}
          </div>
          {shownId !== undefined && <VersionThreads comments={threads.get(shownId) ?? null} />}
        </div>
        <VersionList
          busy={busy}
          canEdit={canEdit}
          onNameCurrent={(name) =>
            run(async () => {
              const version = await nameCurrentVersion(API, documentId, shareKey, name)
              setSelectedId(version.id)
            })
          }
          onRename={(versionId, name) => run(() => renameVersion(API, documentId, shareKey, versionId, name))}
          onSelect={(versionId) => {
            setSelectedId(versionId)
            setConfirmingRestore(false)
          }}
          selectedId={selectedId}
          versions={versions ?? []}
        />
      </div>
    </div>
  )
}

function versionLabel(version: VersionSummary): string {
  return version.name
    ? `${version.name} (${formatVersionTime(version.createdAt)})`
    : formatVersionTime(version.createdAt)
}
