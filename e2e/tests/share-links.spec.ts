/**
 * Issue 15, item 12: share links people can manage. Someone who joined by an edit link sees the
 * document's existing links (the same URLs the creator has), who made each and when; editors create,
 * copy and revoke them, and revoking (after a confirmation) ends the sessions that used the link.
 */
import type { Locator, Page } from '@playwright/test'
import { createDocument } from '../support/documents'
import { editorContent, openEditor, placeCaretAtEnd } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

const rows = (page: Page, role: 'editor' | 'viewer'): Locator =>
  page.getByTestId('share-dialog').locator(`[data-testid="share-link-row"][data-role="${role}"]`)

const rowOfKey = (page: Page, keyId: string): Locator =>
  page.getByTestId('share-dialog').locator(`[data-testid="share-link-row"][data-key-id="${keyId}"]`)

test('B, who joined by the edit link, sees, creates, copies and revokes the links; revoking ends sessions', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Budget')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await ben.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: tandem.baseUrl })
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)

  // Ben never saw the view link, yet his dialog shows the one that exists: the same URL as Ann's.
  await ben.getByTestId('share-button').click()
  await expect(rows(ben, 'viewer')).toHaveCount(1)
  await expect(rows(ben, 'editor')).toHaveCount(1)
  await expect(rows(ben, 'viewer').getByTestId('share-link-url')).toHaveValue(doc.viewUrl)
  await expect(rows(ben, 'editor').getByTestId('share-link-url')).toHaveValue(doc.editUrl)
  await expect(rows(ben, 'viewer')).toHaveAttribute('data-key-id', doc.created.viewLink.keyId)
  await expect(rows(ben, 'viewer').getByTestId('share-link-meta')).toContainText(/created/i)

  // Copying puts that URL on the clipboard.
  await ben.evaluate(() => navigator.clipboard.writeText(''))
  await rows(ben, 'viewer').getByTestId('share-link-copy').click()
  await expect.poll(() => ben.evaluate(() => navigator.clipboard.readText())).toBe(doc.viewUrl)

  // Ben makes a second view link; it is listed as his, for him and (on opening) for Ann.
  await ben.getByTestId('share-create-view').click()
  await expect(rows(ben, 'viewer')).toHaveCount(2)
  const bensLink = rows(ben, 'viewer').filter({ hasText: 'Ben' })
  await expect(bensLink.getByTestId('share-link-meta')).toContainText('by Ben')
  const bensUrl = await bensLink.getByTestId('share-link-url').inputValue()
  expect(bensUrl).toMatch(new RegExp(`^${tandem.baseUrl}/d/${doc.id}#key=[\\w-]+$`))
  expect(bensUrl).not.toBe(doc.viewUrl)
  await ben.getByTestId('share-close').click()
  await expect(ben.getByTestId('share-dialog')).toBeHidden()

  // Cy reads along through the original view link, Dee through Ben's.
  const cy = await newUser('Cy')
  const dee = await newUser('Dee')
  await openEditor(cy, doc.viewUrl)
  await openEditor(dee, bensUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('Before the revocation')
  await expect(editorContent(cy)).toHaveText('Before the revocation')

  // Ann revokes the original view link: she is asked first; cancelling keeps it.
  await ann.getByTestId('share-button').click()
  await expect(rows(ann, 'viewer')).toHaveCount(2)
  const original = rowOfKey(ann, doc.created.viewLink.keyId)
  await original.getByTestId('share-link-revoke').click()
  await ann.getByTestId('share-revoke-cancel').click()
  await expect(rows(ann, 'viewer')).toHaveCount(2)
  await expect(cy.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected')
  await original.getByTestId('share-link-revoke').click()
  await ann.getByTestId('share-revoke-confirm').click()
  await expect(rows(ann, 'viewer')).toHaveCount(1)
  await expect(original).toHaveCount(0)

  // Cy's session ends with the revoked message; Dee, on the other view link, carries on.
  const error = cy.getByTestId('error-message')
  await expect(error).toBeVisible()
  await expect(error.locator('h1')).toContainText(/revoked/i)
  await expect(editorContent(cy)).toHaveCount(0)
  await ann.getByTestId('share-close').click()
  await expect(ann.getByTestId('share-button')).toBeFocused()
  await placeCaretAtEnd(editorContent(ann).locator('p').first())
  await ann.keyboard.type(', after')
  await expect(editorContent(dee)).toHaveText('Before the revocation, after')
  await expect(dee.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected')

  // Ben's list follows: the revoked link is gone for him too.
  await ben.getByTestId('share-button').click()
  await expect(rows(ben, 'viewer')).toHaveCount(1)
  await expect(rows(ben, 'viewer').getByTestId('share-link-url')).toHaveValue(bensUrl)
})
