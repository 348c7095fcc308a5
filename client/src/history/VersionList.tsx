/**
 * The version list of the history panel: newest first, each with its name or time and who edited
 * since the one before; editors name the current version and name or rename the selected one.
 */
import type { VersionSummary } from '@tandem/shared'
import { useEffect, useRef, useState } from 'react'
import { colorForUser } from '../identity/identity'

export interface VersionListProps {
  versions: readonly VersionSummary[]
  selectedId: string | null
  canEdit: boolean
  /** A change is under way: saving is disabled. */
  busy: boolean
  onSelect: (versionId: string) => void
  /** Resolves true once the named version exists. */
  onNameCurrent: (name: string) => Promise<boolean>
  /** Resolves true once renamed. */
  onRename: (versionId: string, name: string) => Promise<boolean>
}

export function VersionList({
  versions,
  selectedId,
  canEdit,
  busy,
  onSelect,
  onNameCurrent,
  onRename,
}: VersionListProps) {
  const [renaming, setRenaming] = useState<string | null>(null)
  const [newName, setNewName] = useState('')
  return (
    <aside className="history-list" aria-label="Versions">
      {canEdit && (
        <form
          className="history-name-form"
          onSubmit={(event) => {
            event.preventDefault()
            const name = newName.trim()
            if (name === '') return
            void onNameCurrent(name).then((named) => {
              if (named) setNewName('')
            })
          }}
        >
          <input
            aria-label="Name the current version"
            data-testid="history-name-input"
            maxLength={100}
            onChange={(event) => setNewName(event.target.value)}
            placeholder="Name the current version"
            value={newName}
          />
          <button className="tandem-button" data-testid="history-name-save" disabled={busy} type="submit">
            Save
          </button>
        </form>
      )}
      <ol className="history-versions">
        {versions.map((version) => (
          <li key={version.id}>
            {renaming === version.id ? (
              <RenameField
                initial={version.name ?? ''}
                onCancel={() => setRenaming(null)}
                onSave={(name) =>
                  void onRename(version.id, name).then((renamed) => {
                    if (renamed) setRenaming(null)
                  })
                }
              />
            ) : (
              <button
                aria-current={version.id === selectedId ? 'true' : undefined}
                className="history-version-item"
                data-testid="history-version"
                onClick={() => onSelect(version.id)}
                type="button"
              >
                <span className="history-version-name">
                  {version.name ?? formatVersionTime(version.createdAt)}
                </span>
                {version.name && (
                  <span className="history-version-time">{formatVersionTime(version.createdAt)}</span>
                )}
                <span className="history-version-editors">
                  {version.editors.length === 0
                    ? 'No new edits'
                    : version.editors.map((name) => (
                        <span className="history-editor" key={name}>
                          <span
                            aria-hidden="true"
                            className="history-dot"
                            style={{ background: colorForUser(name) }}
                          />
                          {name}
                        </span>
                      ))}
                </span>
              </button>
            )}
            {canEdit && version.id === selectedId && renaming !== version.id && (
              <button
                className="history-rename"
                data-testid="history-rename"
                onClick={() => setRenaming(version.id)}
                type="button"
              >
                {version.name ? 'Rename' : 'Name this version'}
              </button>
            )}
          </li>
        ))}
      </ol>
    </aside>
  )
}

function RenameField({
  initial,
  onSave,
  onCancel,
}: {
  initial: string
  onSave: (name: string) => void
  onCancel: () => void
}) {
  const [value, setValue] = useState(initial)
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => input.current?.select(), [])
  return (
    <form
      className="history-name-form"
      onSubmit={(event) => {
        event.preventDefault()
        if (value.trim() !== '') onSave(value.trim())
      }}
    >
      <input
        aria-label="Version name"
        data-testid="history-rename-input"
        maxLength={100}
        onChange={(event) => setValue(event.target.value)}
        ref={input}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation()
            onCancel()
          }
        }}
        value={value}
      />
      <button className="tandem-button" type="submit">
        Save
      </button>
    </form>
  )
}

/** A version's time as the list shows it, e.g. "Dec 6, 3:15 PM". */
export function formatVersionTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  })
}
