/**
 * Issue 21: documents in and out. A content API `PUT` shows up live in two open browsers; Markdown
 * pasted as plain text becomes rich text for both; the document downloads as Markdown, HTML and
 * text, prints without the app around it, and a Markdown file imports as a new document.
 */

import type { Page } from '@playwright/test'
import { HTTP_STATUS, SHARE_KEY_AUTH_SCHEME } from '@tandem/shared'
import { createDocument, shareKeyOf } from '../support/documents'
import { editorContent, expectSameDocument, openEditor, placeCaretAtEnd } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

/** Dispatches a paste of `text` as the only clipboard type, as a plain-text editor or terminal copies it. */
function pastePlainText(page: Page, text: string): Promise<void> {
  return editorContent(page).evaluate((element, pasted) => {
    const data = new DataTransfer()
    data.setData('text/plain', pasted)
    element.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    )
  }, text)
}

async function downloadExport(
  page: Page,
  format: 'markdown' | 'html' | 'text',
): Promise<{ name: string; text: string }> {
  await page.getByTestId('document-menu-button').click()
  const downloaded = page.waitForEvent('download')
  await page.getByTestId(`export-${format}`).click()
  const download = await downloaded
  const stream = await download.createReadStream()
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return { name: download.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') }
}

test('an API PUT shows up live for two people; paste Markdown, export, print and import', async ({
  tandem,
  newUser,
}, testInfo) => {
  // Two browsers, three downloads, an import and a new page: about 30 s on an idle machine.
  test.setTimeout(150_000)
  const doc = await createDocument(tandem.baseUrl, 'Release notes')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)

  // A server-side edit through the content API reaches both open pages without a reload.
  const put = await fetch(`${tandem.baseUrl}/api/documents/${doc.id}/content`, {
    method: 'PUT',
    headers: {
      Authorization: `${SHARE_KEY_AUTH_SCHEME} ${shareKeyOf(doc.editUrl)}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      format: 'markdown',
      content:
        '# Version 2\n\n- [x] faster sync\n- [ ] offline images\n\nRead the [guide](https://example.com/guide).',
    }),
  })
  expect(put.status).toBe(HTTP_STATUS.NO_CONTENT)
  for (const page of [ann, ben]) {
    await expect(editorContent(page).locator('h1')).toHaveText('Version 2')
    await expect(editorContent(page).locator('li[aria-checked]')).toHaveCount(2)
    await expect(editorContent(page).locator('a')).toHaveAttribute('href', 'https://example.com/guide')
  }

  // Markdown pasted as plain text arrives as rich text, for Ann and for Ben.
  await placeCaretAtEnd(editorContent(ann).locator('p').last())
  await ann.keyboard.press('Enter')
  await pastePlainText(ann, '## Known issues\n\n1. **Large** pastes\n2. `code` spans')
  await expect(editorContent(ben).locator('h2')).toHaveText('Known issues')
  await expect(editorContent(ben).locator('ol > li')).toHaveCount(2)
  await expect(editorContent(ben).locator('ol strong')).toHaveText('Large')
  // Prose with a lone asterisk stays text.
  await pastePlainText(ann, ' 2 * 3')
  await expect(editorContent(ann).locator('ol > li').last()).toHaveText('code spans 2 * 3')
  await expectSameDocument(ann, ben)

  // Exports: named after the title, holding the document.
  const markdown = await downloadExport(ben, 'markdown')
  expect(markdown.name).toBe('Release notes.md')
  expect(markdown.text).toContain('# Version 2\n\n- [x] faster sync\n- [ ] offline images')
  // The lone asterisk is escaped, so the file reads back as the same text.
  expect(markdown.text).toContain('## Known issues\n\n1. **Large** pastes\n2. `code` spans 2 \\* 3')
  const html = await downloadExport(ben, 'html')
  expect(html.name).toBe('Release notes.html')
  expect(html.text).toMatch(/^<!doctype html>[\s\S]*<title>Release notes<\/title>[\s\S]*<h2[^>]*>/)
  const text = await downloadExport(ben, 'text')
  expect(text.text).toContain('Known issues')
  expect(text.text).not.toContain('##')

  // The menu, on a phone in dark mode.
  await ben.setViewportSize({ width: 390, height: 760 })
  await ben.emulateMedia({ colorScheme: 'dark' })
  await ben.getByTestId('document-menu-button').click()
  await expect(ben.getByTestId('document-menu')).toBeVisible()
  await ben.screenshot({ path: testInfo.outputPath('menu-mobile-dark.png') })
  await ben.keyboard.press('Escape')
  await expect(ben.getByTestId('document-menu')).toBeHidden()

  // Print: the document alone, black on white, even from dark mode.
  await ben.emulateMedia({ media: 'print', colorScheme: 'dark' })
  await expect(ben.getByTestId('share-button')).toBeHidden()
  await expect(ben.locator('.tandem-toolbar')).toBeHidden()
  const printed = await editorContent(ben).evaluate((element) => getComputedStyle(element).color)
  expect(printed).toBe('rgb(0, 0, 0)')
  await ben.screenshot({ path: testInfo.outputPath('print.png'), fullPage: true })
  await ben.emulateMedia({ media: 'screen', colorScheme: 'light' })

  // Ann imports a Markdown file: a new document with its content, titled after the file.
  await ann.getByTestId('document-menu-button').click()
  await ann.getByTestId('document-menu').screenshot({ path: testInfo.outputPath('menu.png') })
  await ann.keyboard.press('Escape')
  await ann.getByTestId('import-file-input').setInputFiles({
    name: 'Meeting notes.md',
    mimeType: 'text/markdown',
    buffer: Buffer.from('# Attendees\n\n- Ann\n- Ben\n\n> Decisions *pending*'),
  })
  await expect.poll(() => ann.url()).not.toContain(doc.id)
  await expect(ann).toHaveURL(/\/d\/[\w-]+#key=/)
  await expect(editorContent(ann).locator('h1')).toHaveText('Attendees')
  await expect(editorContent(ann).locator('blockquote em')).toHaveText('pending')
  await expect(ann.getByTestId('document-title')).toHaveValue('Meeting notes')

  // The home page offers the same import beside "New document", on a phone in dark mode too.
  await ben.setViewportSize({ width: 390, height: 760 })
  await ben.emulateMedia({ colorScheme: 'dark' })
  await ben.goto(tandem.baseUrl)
  await expect(ben.getByTestId('import-file')).toBeVisible()
  await ben.screenshot({ path: testInfo.outputPath('home-mobile-dark.png') })
})
