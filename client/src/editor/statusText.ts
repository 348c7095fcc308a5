/** Words for the connection and save indicators and for the reasons a connection stopped. */
import { CLOSE_CODES } from '@tandem/shared'
import type { ConnectionState, StopReason } from '../collab/ConnectionController'
import type { SaveState } from '../collab/SavedTracker'

export type Tone = 'ok' | 'busy' | 'warn' | 'error'

export interface ConnectionDescription {
  label: string
  /** One word for small screens ("Offline"), readable where the label does not fit. */
  short: string
  tone: Tone
  /** Whole seconds until the next attempt, when one is scheduled. */
  secondsLeft: number | null
}

/** The connection indicator's text at `nowMs` (countdowns count down with it). */
export function describeConnection(state: ConnectionState, nowMs: number): ConnectionDescription {
  switch (state.status) {
    case 'idle':
      return { label: 'Connecting…', short: 'Connecting', tone: 'busy', secondsLeft: null }
    case 'connecting':
      return state.attempt === 0
        ? { label: 'Connecting…', short: 'Connecting', tone: 'busy', secondsLeft: null }
        : { label: 'Reconnecting…', short: 'Reconnecting', tone: 'busy', secondsLeft: null }
    case 'refreshing-token':
      return { label: 'Reconnecting…', short: 'Reconnecting', tone: 'busy', secondsLeft: null }
    case 'connected':
      return state.synced
        ? { label: 'Connected', short: 'Online', tone: 'ok', secondsLeft: null }
        : { label: 'Syncing…', short: 'Syncing', tone: 'busy', secondsLeft: null }
    case 'reconnecting': {
      const secondsLeft = secondsUntil(state.retryAtMs, nowMs)
      return { label: `Reconnecting in ${secondsLeft} s`, short: 'Reconnecting', tone: 'warn', secondsLeft }
    }
    case 'offline': {
      const secondsLeft = secondsUntil(state.retryAtMs, nowMs)
      return { label: `Offline · retrying in ${secondsLeft} s`, short: 'Offline', tone: 'warn', secondsLeft }
    }
    case 'stopped':
      return { label: 'Disconnected', short: 'Disconnected', tone: 'error', secondsLeft: null }
  }
}

/** The save state in a few words (small screens); empty when everything is saved. */
export function describeSaveShort(save: SaveState): string {
  if (save.unsavedChanges === 0) return ''
  return save.storedLocally ? `${save.unsavedChanges} local` : `${save.unsavedChanges} unsaved`
}

/**
 * "All changes saved", "N unsaved changes", or, when the browser keeps a local copy, "N changes only
 * on this device": they survive a closed tab but nobody else sees them until the server has them.
 */
export function describeSave(save: SaveState): string {
  const count = save.unsavedChanges
  if (count === 0) return 'All changes saved'
  if (save.storedLocally)
    return count === 1 ? '1 change only on this device' : `${count} changes only on this device`
  return count === 1 ? '1 unsaved change' : `${count} unsaved changes`
}

/** The longer explanation of the save state (a tooltip). */
export function explainSave(save: SaveState): string {
  if (save.unsavedChanges === 0) return 'The server has stored every change.'
  if (save.storedLocally)
    return 'Saved on this device, not yet on the server. It syncs when the server is back.'
  return 'Not yet on the server. Keep this page open until it reconnects.'
}

export interface StopMessage {
  title: string
  message: string
  /** Whether reloading the page can help. */
  reloadHelps: boolean
}

/** What to tell a person whose connection stopped. */
export function describeStop(reason: StopReason): StopMessage {
  switch (reason.kind) {
    case 'access-denied':
      return {
        title: 'This link is invalid or has been revoked',
        message:
          'The link no longer grants access, or the document was deleted. Ask its owner for a new link.',
        reloadHelps: false,
      }
    case 'refused':
      return reason.status === 404
        ? {
            title: 'This document does not exist',
            message: 'The server has no document by this name; it may have been deleted.',
            reloadHelps: false,
          }
        : {
            title: 'The access token was refused',
            message:
              'The server did not accept this editor’s token (invalid, expired, or for another document), so it stopped trying. Edits made here are not saved.',
            reloadHelps: false,
          }
    case 'token-expired':
      return {
        title: 'Your session has expired',
        message: 'Reload the page to continue.',
        reloadHelps: true,
      }
    case 'closed':
      switch (reason.code) {
        case CLOSE_CODES.FORBIDDEN.code:
          return {
            title: 'Access was revoked',
            message: 'Your access to this document was revoked, or the document was deleted.',
            reloadHelps: false,
          }
        case CLOSE_CODES.DOCUMENT_DELETED.code:
          return {
            title: 'This document was deleted',
            message: 'Its creator or an administrator deleted it; it is gone for everyone.',
            reloadHelps: false,
          }
        case CLOSE_CODES.DOCUMENT_TOO_LARGE.code:
          return {
            title: 'The document is too large',
            message: 'The server refused the last change because the document reached its size limit.',
            reloadHelps: true,
          }
        case CLOSE_CODES.MESSAGE_TOO_BIG.code:
          return {
            title: 'A change was too large',
            message: 'The server refused a change that was too large to send at once (a very large paste?).',
            reloadHelps: true,
          }
        case CLOSE_CODES.MALFORMED_MESSAGE.code:
          return {
            title: 'The server could not read a change',
            message: 'The server refused a message from this page as malformed. Reload to reconnect.',
            reloadHelps: true,
          }
        default:
          return {
            title: 'The connection was closed',
            message: `The server closed the connection (${reason.reason}).`,
            reloadHelps: true,
          }
      }
  }
}

function secondsUntil(atMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((atMs - nowMs) / 1000))
}
