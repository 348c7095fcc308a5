/**
 * Scenario 7: revoked, wrong, unknown and incomplete links show a clear message, no editor, no crash.
 * And links inside a document open in a tab that cannot reach back to Tandem's (issue 14, item 8).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from '@playwright/test'
import { createDocument, createShareLink, revokeShareKey } from '../support/documents'
import { editorContent, openEditor, placeCaretAtEnd } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

/** Collects uncaught page errors: the app must show messages, not crash. */
function watchForCrashes(page: Page): Error[] {
  const errors: Error[] = []
  page.on('pageerror', (error) => errors.push(error))
  return errors
}

async function expectRefused(page: Page, kind: string): Promise<void> {
  const error = page.getByTestId('error-message')
  await expect(error).toBeVisible()
  await expect(error).toHaveAttribute('data-error-kind', kind)
  await expect(error.locator('h1')).not.toBeEmpty()
  await expect(editorContent(page)).toHaveCount(0)
  await expect(page.getByTestId('toolbar')).toHaveCount(0)
}

test('revoked or invalid links show a clear message, no editor, and no crash', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Links')
  const ann = await newUser('Ann')
  const cy = await newUser('Cy')
  const crashes = [ann, cy].map(watchForCrashes)
  await openEditor(ann, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('Still here')

  // A link without its key, a wrong key, and a document that does not exist.
  await cy.goto(doc.editUrl.split('#')[0]!)
  await expectRefused(cy, 'missing-key')
  await expect(cy.getByTestId('error-message')).toContainText('#key=')
  await cy.goto(`${doc.editUrl.split('#')[0]!}#key=not-a-real-key`)
  await expectRefused(cy, 'invalid-link')
  await expect(cy.getByTestId('error-message')).toContainText('invalid or has been revoked')
  await cy.goto(doc.editUrl.replace(doc.id, 'no-such-document'))
  await expectRefused(cy, 'invalid-link')

  // A revoked view link, opened after the revocation.
  await revokeShareKey(tandem.baseUrl, doc, doc.created.viewLink.keyId)
  await cy.goto(doc.viewUrl)
  await expectRefused(cy, 'invalid-link')

  // A link revoked while it is open: the session ends at once, the editor goes away.
  const spare = await createShareLink(tandem.baseUrl, doc, 'editor')
  await openEditor(cy, spare.url)
  await expect(editorContent(cy)).toHaveText('Still here')
  await revokeShareKey(tandem.baseUrl, doc, spare.keyId)
  await expectRefused(cy, 'invalid-link')

  // The way out works, and the people on other links carry on.
  await cy.getByTestId('error-action-go-to-the-home-page').click()
  await expect(cy.getByTestId('new-document')).toBeVisible()
  await ann.keyboard.type(', unaffected')
  await expect(editorContent(ann)).toHaveText('Still here, unaffected')
  await expect(ann.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected')
  expect(crashes.flat()).toEqual([])
})

/** A page on another origin that tries to take over the tab that opened it, and records its Referer. */
async function startLinkedSite(): Promise<{
  url: string
  referers: (string | undefined)[]
  stop(): Promise<void>
}> {
  const referers: (string | undefined)[] = []
  const server = createServer((req, res) => {
    // The browser also asks for /favicon.ico, with this page as its Referer.
    if (req.url !== '/article') {
      res.writeHead(404).end()
      return
    }
    referers.push(req.headers.referer)
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end(`<!doctype html><title>linked</title><script>
      const opener = window.opener
      document.title = opener === null ? 'no-opener' : 'has-opener'
      if (opener !== null) opener.location = location.origin + '/phished'
    </script>`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/article`,
    referers,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

async function addLink(page: Page, text: string, url: string): Promise<void> {
  await page.keyboard.type(text)
  await page.keyboard.press('Shift+Home')
  await page.keyboard.press('Control+K')
  await page.getByTestId('link-url-input').fill(url)
  await page.getByTestId('link-apply').click()
  await expect(editorContent(page).locator(`a[href="${url}"]`)).toHaveText(text)
  // Focus is on the link editor's button now: put the caret back after the link, on a new line.
  await placeCaretAtEnd(editorContent(page).locator('p').last())
  await page.keyboard.press('Enter')
}

test('a linked page gets no handle on the Tandem tab (no reverse tabnabbing)', async ({
  tandem,
  newUser,
}) => {
  const site = await startLinkedSite()
  try {
    const doc = await createDocument(tandem.baseUrl, 'Links to follow')
    const ann = await newUser('Ann')
    await openEditor(ann, doc.editUrl)
    await editorContent(ann).click()
    const sameOrigin = `${tandem.baseUrl}/`
    await addLink(ann, 'Read this article', site.url)
    await addLink(ann, 'Our home page', sameOrigin)

    // A reader follows the links: the view link is read-only, so a click opens the link.
    const cy = await newUser('Cy')
    await openEditor(cy, doc.viewUrl)
    for (const [text, url] of [
      ['Read this article', site.url],
      ['Our home page', sameOrigin],
    ] as const) {
      const opened = cy.context().waitForEvent('page')
      await editorContent(cy).getByText(text).click()
      const popup = await opened
      await popup.waitForLoadState('load')
      expect(popup.url()).toBe(url)
      // Same-origin pages keep an opener even under Cross-Origin-Opener-Policy: only noopener removes it.
      expect(await popup.evaluate(() => window.opener === null), url).toBe(true)
      await popup.close()
    }
    await expect.poll(() => site.referers.length, { message: 'the linked site was visited' }).toBe(1)
    expect(site.referers, 'no Referer leaks the document URL').toEqual([undefined])
    expect(cy.url()).toBe(doc.viewUrl)
    await expect(editorContent(cy)).toContainText('Read this article')
  } finally {
    await site.stop()
  }
})
