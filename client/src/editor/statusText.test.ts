// @vitest-environment node
import { CLOSE_CODES } from '@tandem/shared'
import { describe, expect, it } from 'vitest'
import { isAccessRevoked } from '../collab/ConnectionController'
import { describeConnection, describeSave, describeSaveShort, describeStop, explainSave } from './statusText'

describe('short forms for small screens', () => {
  it('say the state in one word, and the unsaved count without the noun phrase', () => {
    expect(describeConnection({ status: 'offline', retryAtMs: 2_000 }, 0).short).toBe('Offline')
    expect(describeConnection({ status: 'connected', synced: true }, 0).short).toBe('Online')
    expect(describeConnection({ status: 'reconnecting', attempt: 2, retryAtMs: 5_000 }, 0).short).toBe(
      'Reconnecting',
    )
    expect(describeSaveShort({ unsavedChanges: 0 } as Parameters<typeof describeSaveShort>[0])).toBe('')
    expect(describeSaveShort({ unsavedChanges: 3 } as Parameters<typeof describeSaveShort>[0])).toBe(
      '3 unsaved',
    )
    expect(
      describeSaveShort({ unsavedChanges: 3, storedLocally: true } as Parameters<
        typeof describeSaveShort
      >[0]),
    ).toBe('3 local')
  })
})

describe('describeConnection', () => {
  it('counts down to the next attempt in whole seconds', () => {
    const state = { status: 'reconnecting', attempt: 2, retryAtMs: 10_000 } as const
    expect(describeConnection(state, 6_900)).toMatchObject({ label: 'Reconnecting in 4 s', secondsLeft: 4 })
    expect(describeConnection(state, 10_500).secondsLeft).toBe(0)
    expect(describeConnection({ status: 'offline', retryAtMs: 2_000 }, 0).label).toBe(
      'Offline · retrying in 2 s',
    )
  })

  it('tells syncing from connected', () => {
    expect(describeConnection({ status: 'connected', synced: false }, 0).label).toBe('Syncing…')
    expect(describeConnection({ status: 'connected', synced: true }, 0)).toMatchObject({
      label: 'Connected',
      tone: 'ok',
    })
  })
})

describe('describeSave', () => {
  it('says saved or counts', () => {
    const notKept = { acknowledged: true, storedLocally: false }
    expect(describeSave({ ...notKept, unsavedChanges: 0 })).toBe('All changes saved')
    expect(describeSave({ ...notKept, unsavedChanges: 1 })).toBe('1 unsaved change')
    expect(describeSave({ ...notKept, unsavedChanges: 12, acknowledged: false })).toBe('12 unsaved changes')
  })

  it('says what is only in this browser when a local copy keeps it', () => {
    const kept = { acknowledged: true, storedLocally: true }
    expect(describeSave({ ...kept, unsavedChanges: 0 })).toBe('All changes saved')
    expect(describeSave({ ...kept, unsavedChanges: 1 })).toBe('1 change only on this device')
    expect(describeSave({ ...kept, unsavedChanges: 3 })).toBe('3 changes only on this device')
    expect(explainSave({ ...kept, unsavedChanges: 3 })).toContain(
      'Saved on this device, not yet on the server',
    )
  })
})

describe('describeStop', () => {
  it('has a message for every stop code of the shared table', () => {
    for (const entry of Object.values(CLOSE_CODES).filter((candidate) => candidate.retry === 'stop')) {
      const message = describeStop({ kind: 'closed', code: entry.code, reason: entry.reason })
      expect(message.title, `code ${entry.code}`).not.toBe('The connection was closed')
    }
  })
})

describe('isAccessRevoked', () => {
  it('counts a revoked key and a deleted document as access gone, other stops not', () => {
    const closed = (code: number) => ({ kind: 'closed', code, reason: '' }) as const
    expect(isAccessRevoked(closed(CLOSE_CODES.FORBIDDEN.code))).toBe(true)
    expect(isAccessRevoked(closed(CLOSE_CODES.DOCUMENT_DELETED.code))).toBe(true)
    expect(isAccessRevoked(closed(CLOSE_CODES.DOCUMENT_TOO_LARGE.code))).toBe(false)
  })
})
