// @vitest-environment node
/**
 * Updates the local copy has not confirmed survive the page going away, through localStorage, and
 * only those. The IndexedDB side (confirmation) runs in Chromium: e2e/tests/localCopy.spec.ts.
 */
import { afterAll, afterEach, expect, it } from 'vitest'
import * as Y from 'yjs'
import { installJsdom } from '../testing/installJsdom'
import { clearUnwrittenUpdates, UnwrittenUpdates } from './UnwrittenUpdates'

const removeJsdom = await installJsdom()
afterAll(() => removeJsdom())
afterEach(() => window.localStorage.clear())

const LOADED = Symbol('loaded')

/** A page's copy before IndexedDB has opened: nothing it writes is confirmed. */
function openUnconfirmed(doc: Y.Doc, pageId: string): UnwrittenUpdates {
  return new UnwrittenUpdates({
    doc,
    name: 'tandem:http://localhost:1234:notes',
    database: () => null,
    storeName: 'updates',
    isStored: (origin) => origin === LOADED,
    pageId,
    page: window,
  })
}

it('keeps unconfirmed edits on pagehide and gives them to the next page of the same copy', () => {
  const doc = new Y.Doc()
  const guard = openUnconfirmed(doc, 'first')
  doc.getText('title').insert(0, 'Typed just before the reload')
  expect(guard.pending).toBe(true)
  window.dispatchEvent(new Event('pagehide'))
  guard.destroy()

  const next = new Y.Doc()
  const nextGuard = openUnconfirmed(next, 'second')
  nextGuard.restore(LOADED)
  expect(next.getText('title').toString()).toBe('Typed just before the reload')
  // Taken: a third page gets nothing twice.
  expect(window.localStorage.length).toBe(0)
  nextGuard.destroy()
})

it('what a page saved goes when its copy is deleted; a page that only loaded saves nothing', () => {
  const doc = new Y.Doc()
  const guard = openUnconfirmed(doc, 'first')
  doc.getText('title').insert(0, 'edited')
  window.dispatchEvent(new Event('pagehide'))
  expect(window.localStorage.length).toBe(1)
  clearUnwrittenUpdates('tandem:http://localhost:1234:notes', window)
  expect(window.localStorage.length).toBe(0)
  guard.destroy()

  const quiet = new Y.Doc()
  const quietGuard = openUnconfirmed(quiet, 'quiet')
  Y.applyUpdate(quiet, Y.encodeStateAsUpdate(doc), LOADED)
  window.dispatchEvent(new Event('pagehide'))
  expect(window.localStorage.length).toBe(0)
  quietGuard.destroy()
})
