/**
 * Issue 15, item 2: edits made offline survive closing the tab and reloading without a network; the
 * document opens from the browser's copy, says what is only on this device, and syncs once back.
 */
import type { Page } from '@playwright/test'
import { createDocument } from '../support/documents'
import {
  editorContent,
  expectAllSaved,
  expectSynced,
  openEditor,
  placeCaretAtEnd,
} from '../support/editorPage'
import { expect, test } from '../support/fixtures'

/** The app can load offline: a service worker controls the page and holds every script it runs. */
async function expectReadyOffline(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          if (navigator.serviceWorker.controller === null) return false
          const scripts = performance
            .getEntriesByType('resource')
            .map((entry) => entry.name)
            .filter((url) => new URL(url).pathname.startsWith('/assets/'))
          const cached = await Promise.all(scripts.map((url) => caches.match(url)))
          return scripts.length > 0 && cached.every((response) => response !== undefined)
        }),
      { timeout: 20_000 },
    )
    .toBe(true)
}

/** The status line shows the page offline, with `text` kept only in this browser. */
async function expectOfflineWithLocalChanges(page: Page, text: string): Promise<void> {
  await expect(editorContent(page)).toContainText(text)
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'offline')
  const saved = page.getByTestId('saved-status')
  await expect(saved).toHaveAttribute('data-local-only', 'true')
  await expect(saved).toContainText(/changes? only on this device/)
  await expect(saved).toHaveAttribute('title', /Saved on this device, not yet on the server/)
}

/**
 * Keeps the browser's copies busy, as a slow disk or another tab of the same document does: a
 * read-write transaction on each copy's update store that does not end, so the writes of the next
 * keystrokes queue behind it and are still unwritten when the page goes away.
 */
async function keepLocalCopyBusy(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const names = (await indexedDB.databases())
      .map((db) => db.name ?? '')
      .filter((name) => name.startsWith('tandem:'))
    for (const name of names) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name)
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      })
      const store = db.transaction('updates', 'readwrite').objectStore('updates')
      // A transaction stays open while it has requests; each one's answer asks the next.
      const keepAlive = () => {
        store.count().onsuccess = keepAlive
      }
      keepAlive()
    }
  })
}

test('offline edits survive closing the tab and an offline reload, then reach the server', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Train notes')
  const ann = await newUser('Ann')
  await openEditor(ann, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('Online line.')
  await expectAllSaved(ann)
  await expectReadyOffline(ann)

  const context = ann.context()
  await context.setOffline(true)
  await expect(ann.getByTestId('connection-status')).toHaveAttribute('data-status', 'offline')
  await placeCaretAtEnd(editorContent(ann).locator('p').first())
  await ann.keyboard.type(' Written offline.')
  await expectOfflineWithLocalChanges(ann, 'Online line. Written offline.')

  // The tab closes with the network still off; a new tab opens the document from the local copy.
  await ann.close()
  const again = await context.newPage()
  // Reloading with unsaved changes asks "Leave site?"; Ann leaves.
  again.on('dialog', (dialog) => void dialog.accept())
  await again.goto(doc.editUrl)
  await expectOfflineWithLocalChanges(again, 'Online line. Written offline.')

  // More typing, then a reload, all still offline.
  await placeCaretAtEnd(editorContent(again).locator('p').first())
  await again.keyboard.type(' And after reopening.')
  await expect(editorContent(again)).toContainText('Written offline. And after reopening.')
  await again.reload()
  await expectOfflineWithLocalChanges(again, 'Online line. Written offline. And after reopening.')

  await context.setOffline(false)
  await expectSynced(again)
  await expectAllSaved(again)
  await expect(again.getByTestId('saved-status')).toHaveText('All changes saved')

  // Someone else, in a fresh browser, gets everything from the server.
  const ben = await newUser('Ben')
  await openEditor(ben, doc.editUrl)
  await expect(editorContent(ben)).toHaveText('Online line. Written offline. And after reopening.')
})

test('an offline reload right after the last keystroke keeps every character', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Quick reload')
  const ann = await newUser('Ann')
  await openEditor(ann, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('Online line.')
  await expectAllSaved(ann)
  await expectReadyOffline(ann)

  await ann.context().setOffline(true)
  await expect(ann.getByTestId('connection-status')).toHaveAttribute('data-status', 'offline')
  await placeCaretAtEnd(editorContent(ann).locator('p').first())
  // Reloading with unsaved changes asks "Leave site?"; Ann leaves.
  const dialogs: string[] = []
  ann.on('dialog', (dialog) => {
    dialogs.push(dialog.type())
    void dialog.accept()
  })
  // The reload comes right after the last keystroke, with IndexedDB busy: nothing waits for the
  // browser's copy to be written.
  await keepLocalCopyBusy(ann)
  await ann.keyboard.type(' Typed offline, then reloaded at once.')
  await ann.reload()
  await expectOfflineWithLocalChanges(ann, 'Online line. Typed offline, then reloaded at once.')
  expect(dialogs).toEqual(['beforeunload'])

  await ann.context().setOffline(false)
  await expectSynced(ann)
  await expectAllSaved(ann)
  const ben = await newUser('Ben')
  await openEditor(ben, doc.editUrl)
  await expect(editorContent(ben)).toHaveText('Online line. Typed offline, then reloaded at once.')
})

test('an online reload once everything is saved asks nothing', async ({ tandem, newUser }) => {
  const doc = await createDocument(tandem.baseUrl, 'Plain reload')
  const ann = await newUser('Ann')
  await openEditor(ann, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('All saved.')
  await expectAllSaved(ann)
  const dialogs: string[] = []
  ann.on('dialog', (dialog) => {
    dialogs.push(dialog.type())
    void dialog.accept()
  })
  await ann.reload()
  await expectSynced(ann)
  await expect(editorContent(ann)).toHaveText('All saved.')
  expect(dialogs).toEqual([])
})
