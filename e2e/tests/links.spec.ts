/** Scenario 7: revoked, wrong, unknown and incomplete links show a clear message, no editor, no crash. */
import type { Page } from '@playwright/test'
import { createDocument, createShareLink, revokeShareKey } from '../support/documents'
import { editorContent, openEditor } from '../support/editorPage'
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
