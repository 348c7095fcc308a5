/**
 * Scenario 10: examples/embed/ (a static host page plus its token endpoint) loads the editor script
 * from the Tandem server and co-edits with someone in the full web app.
 */
import { createDocument } from '../support/documents'
import {
  editorContent,
  expectAllSaved,
  expectSameDocument,
  openEditor,
  placeCaretAtEnd,
} from '../support/editorPage'
import { startEmbedHost } from '../support/embedHost'
import { expect, test } from '../support/fixtures'

test('the embed example co-edits with the full app', async ({ tandem, newUser }) => {
  const doc = await createDocument(tandem.baseUrl, 'Embedded')
  const host = await startEmbedHost(tandem.baseUrl)
  try {
    const ann = await newUser('Ann')
    const crashes: Error[] = []
    ann.on('pageerror', (error) => crashes.push(error))
    const query = new URLSearchParams({ room: doc.id, name: 'Ann Embed', user: 'host-user-ann' })
    await ann.goto(`${host.baseUrl}/?${query}`)
    // The host page is the example's, on its own origin; the editor script comes from Tandem.
    await expect(ann.getByTestId('embed-status')).toHaveText('synced')
    expect(await ann.evaluate(() => typeof (window as { TandemEmbed?: unknown }).TandemEmbed)).toBe('object')
    await expect(ann.locator(`script[src="${tandem.baseUrl}/sdk/tandem-embed.js"]`)).toHaveCount(1)
    await expect(ann.getByTestId('embed-editor').getByTestId('editor-content')).toBeVisible()

    const ben = await newUser('Ben')
    await openEditor(ben, doc.editUrl)
    await expect(ann.locator('[data-testid=presence-entry][data-self=false]')).toHaveAttribute(
      'data-name',
      'Ben',
    )
    await expect(ben.locator('[data-testid=presence-entry][data-self=false]')).toHaveAttribute(
      'data-name',
      'Ann Embed',
    )

    await editorContent(ann).click()
    await ann.keyboard.type('Typed in the host app')
    await expect(editorContent(ben)).toHaveText('Typed in the host app')
    await expect(ben.getByTestId('remote-caret-label')).toHaveText('Ann Embed')

    await placeCaretAtEnd(editorContent(ben).locator('p'))
    await ben.keyboard.press('Enter')
    await ben.keyboard.type('Answered from the web app')
    await ben.getByTestId('document-title').fill('Shared plan')
    await expect(editorContent(ann).locator('p')).toHaveText([
      'Typed in the host app',
      'Answered from the web app',
    ])
    await expect(ann.getByTestId('document-title')).toHaveValue('Shared plan')
    await expectSameDocument(ann, ben)
    // The host learns about saving through onStatus.
    await expect(ann.getByTestId('embed-unsaved')).toHaveText('0')
    await expectAllSaved(ben)
    expect(crashes).toEqual([])
  } finally {
    await host.stop()
  }
})
