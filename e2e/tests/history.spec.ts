/**
 * Issue 19: version history with two people. Automatic versions come when typing goes quiet; Ann
 * names one from the panel (Ctrl+Alt+Shift+H); Ben adds a line; the panel shows his line marked in
 * his colour against the previous version; Ann restores the named version and both pages show it
 * live. A version holding an image shows the picture (it was a blank box). A version lists the
 * comment threads as they stood when it was taken, resolved ones marked.
 */
import type { Page, TestInfo } from '@playwright/test'
import { type CommentsResponse, SHARE_KEY_AUTH_SCHEME, type VersionListResponse } from '@tandem/shared'
import { createDocument, shareKeyOf, type TestDocument } from '../support/documents'
import {
  editorContent,
  expectAllSaved,
  expectSameDocument,
  openEditor,
  placeCaretAtEnd,
} from '../support/editorPage'
import { expect, test } from '../support/fixtures'
import { deliverFiles, renderedImageWidth } from '../support/images'

async function versionCount(baseUrl: string, doc: TestDocument): Promise<number> {
  const response = await fetch(`${baseUrl}/api/documents/${doc.id}/versions`, {
    headers: { Authorization: `${SHARE_KEY_AUTH_SCHEME} ${shareKeyOf(doc.viewUrl)}` },
  })
  return ((await response.json()) as VersionListResponse).versions.length
}

async function threadCount(baseUrl: string, doc: TestDocument): Promise<number> {
  const response = await fetch(`${baseUrl}/api/documents/${doc.id}/comments`, {
    headers: { Authorization: `${SHARE_KEY_AUTH_SCHEME} ${shareKeyOf(doc.viewUrl)}` },
  })
  return ((await response.json()) as CommentsResponse).threads[0]?.comments.length ?? 0
}

async function typeLine(page: Page, text: string): Promise<void> {
  await placeCaretAtEnd(editorContent(page).locator('p').last())
  await page.keyboard.press('Enter')
  await page.keyboard.type(text)
  await expectAllSaved(page)
}

test('two people: versions come, one is named, changes show by author, a restore reaches both', async ({
  startServer,
  newUser,
}) => {
  // A quiet second makes a version, so the test need not wait a minute.
  const server = await startServer({ env: { VERSION_IDLE_MS: '800' } })
  const doc = await createDocument(server.baseUrl, 'Launch plan')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)

  await editorContent(ann).click()
  await ann.keyboard.type('Ship on Friday.')
  await expectAllSaved(ann)
  await expect.poll(() => versionCount(server.baseUrl, doc)).toBe(1)

  // Ann opens the history with the shortcut and names the current version.
  await ann.keyboard.press('Control+Alt+Shift+KeyH')
  const panel = ann.getByTestId('history-panel')
  await expect(panel).toBeVisible()
  await panel.getByTestId('history-name-input').fill('Sent to legal')
  await panel.getByTestId('history-name-save').click()
  await expect(panel.getByTestId('history-version').first()).toContainText('Sent to legal')
  await ann.keyboard.press('Escape')
  await expect(panel).toBeHidden()

  // Ben adds a line; once he stops, an automatic version lists him.
  await typeLine(ben, 'Ben: legal wants Monday.')
  await expect.poll(() => versionCount(server.baseUrl, doc)).toBe(3)

  await ann.getByTestId('history-button').click()
  const newest = panel.getByTestId('history-version').first()
  await expect(newest).toHaveAttribute('aria-current', 'true')
  await expect(newest).toContainText('Ben')
  // Against the previous version (the named one), Ben's line is the change, in his colour.
  const added = panel.getByTestId('history-content').locator('.history-added[data-history-author="Ben"]')
  await expect(added.first()).toBeVisible()
  await expect(added.filter({ hasText: 'legal wants Monday' })).not.toHaveCount(0)
  await expect(panel.getByTestId('history-legend')).toContainText('Ben')
  await expect(panel.getByTestId('history-content')).toContainText('Ship on Friday.')

  // The named version against the one before it: nothing changed. Against Ben's (any two compare,
  // older first): his line again.
  await panel.getByTestId('history-version').filter({ hasText: 'Sent to legal' }).click()
  await expect(panel.getByTestId('history-legend')).toHaveText('No changes')
  const bens = await panel.getByTestId('history-compare').locator('option').nth(1).getAttribute('value')
  await panel.getByTestId('history-compare').selectOption(bens!)
  await expect(added.filter({ hasText: 'legal wants Monday' })).not.toHaveCount(0)

  // Restore the named version: both pages show it live, Ben's line gone, and stay in step.
  await panel.getByTestId('history-restore').click()
  await panel.getByTestId('history-restore-confirm').click()
  await expect(panel).toBeHidden()
  for (const page of [ann, ben]) {
    await expect(editorContent(page)).toContainText('Ship on Friday.')
    await expect(editorContent(page)).not.toContainText('legal wants Monday')
  }
  await expectSameDocument(ann, ben)
  // Ben keeps editing after the restore, and Ann sees it.
  await typeLine(ben, 'Back to Friday then.')
  await expect(editorContent(ann)).toContainText('Back to Friday then.')
})

test('a version with an image shows the picture in the history view', async ({ startServer, newUser }) => {
  const server = await startServer()
  const doc = await createDocument(server.baseUrl, 'Charts')
  const ann = await newUser('Ann', { viewport: { width: 1280, height: 760 } })
  await openEditor(ann, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('Sales by region:')
  await deliverFiles(ann, 'paste', [{ name: 'chart.png', drawn: 'chart', width: 320, height: 180 }])
  await expect.poll(() => renderedImageWidth(ann)).toBe(320)
  await expect(ann.getByTestId('upload-tray')).toHaveCount(0)
  await expectAllSaved(ann)

  await ann.keyboard.press('Control+Alt+Shift+KeyH')
  const panel = ann.getByTestId('history-panel')
  await panel.getByTestId('history-name-input').fill('With the chart')
  await panel.getByTestId('history-name-save').click()
  await expect(panel.getByTestId('history-version').first()).toContainText('With the chart')
  const picture = panel.getByTestId('history-content').getByTestId('image-img')
  await expect(picture).toBeVisible()
  // Loaded from its signed URL, not a broken or empty image.
  await expect
    .poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBe(320)
  // Read-only there: no resize handle, no caption field.
  await expect(panel.getByTestId('history-content').getByTestId('image-resize')).toHaveCount(0)
})

test('a version lists its comment threads as they stood then, resolved ones marked', async ({
  startServer,
  newUser,
}, testInfo) => {
  const server = await startServer({ env: { VERSION_IDLE_MS: '800' } })
  const doc = await createDocument(server.baseUrl, 'Review')
  const ann = await newUser('Ann', { viewport: { width: 1400, height: 900 } })
  await openEditor(ann, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('The quick brown fox.')
  await expectAllSaved(ann)
  await expect.poll(() => versionCount(server.baseUrl, doc)).toBe(1)

  // A thread with a reply, then a named version of now.
  await editorContent(ann).evaluate((root) => {
    const text = root.querySelector('p')!.firstChild!.firstChild as Text
    const range = document.createRange()
    range.setStart(text, 4)
    range.setEnd(text, 15)
    window.getSelection()!.removeAllRanges()
    window.getSelection()!.addRange(range)
  })
  await ann.keyboard.press('Control+Alt+KeyM')
  await ann.getByTestId('comment-new').fill('Too slow?')
  await ann.getByTestId('comment-new-submit').click()
  const thread = ann.getByTestId('comment-thread')
  await thread.click()
  await ann.getByTestId('comment-reply').fill('Fine after all.')
  await ann.getByTestId('comment-reply-submit').click()
  await expect.poll(() => threadCount(server.baseUrl, doc)).toBe(2)
  await ann.keyboard.press('Control+Alt+Shift+KeyH')
  const panel = ann.getByTestId('history-panel')
  await panel.getByTestId('history-name-input').fill('Reviewed')
  await panel.getByTestId('history-name-save').click()
  await expect(panel.getByTestId('history-version').first()).toContainText('Reviewed')
  await ann.keyboard.press('Escape')

  // Since then: the reply deleted, the thread resolved, a line typed (an automatic version).
  await thread.getByTestId('comment-delete-button').last().click()
  await expect.poll(() => threadCount(server.baseUrl, doc)).toBe(1)
  await thread.getByTestId('comment-resolve').click()
  await typeLine(ann, 'Ship it.')
  await expect.poll(() => versionCount(server.baseUrl, doc)).toBe(3)

  // The newest version: the thread resolved, one comment. The named one: open, with the reply.
  await ann.getByTestId('history-button').click()
  const versionThreads = panel.getByTestId('history-threads').getByTestId('history-thread')
  await expect(versionThreads).toHaveCount(1)
  await expect(versionThreads).toHaveAttribute('data-resolved', 'true')
  await expect(versionThreads.getByTestId('history-thread-resolved')).toBeVisible()
  await expect(versionThreads.getByTestId('comment-body')).toHaveText(['Too slow?'])
  await panel.getByTestId('history-version').filter({ hasText: 'Reviewed' }).click()
  await expect(versionThreads).toHaveAttribute('data-resolved', 'false')
  await expect(versionThreads.locator('.comment-quote')).toHaveText('quick brown')
  await expect(versionThreads.getByTestId('comment-body')).toHaveText(['Too slow?', 'Fine after all.'])
  await shoot(ann, testInfo, 'version-threads-1400-light')
  await ann.emulateMedia({ colorScheme: 'dark' })
  await ann.setViewportSize({ width: 390, height: 800 })
  await expect(versionThreads).toHaveCount(1)
  // On a phone the version's text takes the width (.paper's auto margins once shrank it to its text).
  await expect
    .poll(async () => (await panel.locator('.history-paper').boundingBox())?.width ?? 0)
    .toBeGreaterThan(330)
  await shoot(ann, testInfo, 'version-threads-390-dark')
  await ann.emulateMedia({ colorScheme: 'light' })
  await ann.setViewportSize({ width: 1400, height: 900 })
  // The first version was taken before anyone commented.
  await panel.getByTestId('history-version').last().click()
  await expect(panel.getByTestId('history-threads')).toContainText('No comments in this version.')
})

/** A screenshot attached to the report, to look at the panel in both themes and on a phone. */
async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path })
  await testInfo.attach(name, { path, contentType: 'image/png' })
}
