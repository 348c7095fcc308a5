/**
 * Issue 18, images: a picture pasted by one person appears for another, for a viewer and after a
 * restart; strangers cannot fetch it; refused uploads say why and store nothing; a remote image in
 * pasted HTML stays as a placeholder with its link until someone uploads a copy.
 */
import { SHARE_KEY_AUTH_SCHEME, type UploadListResponse } from '@tandem/shared'
import { createDocument, shareKeyOf } from '../support/documents'
import { editorContent, expectAllSaved, openEditor } from '../support/editorPage'
import { expect, test } from '../support/fixtures'
import { deliverFiles, pasteHtml, renderedImageWidth } from '../support/images'

/** A real 1x1 PNG, for the file picker. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
)

async function listUploads(baseUrl: string, documentId: string, key: string): Promise<UploadListResponse> {
  const res = await fetch(`${baseUrl}/api/documents/${documentId}/uploads`, {
    headers: { authorization: `${SHARE_KEY_AUTH_SCHEME} ${key}` },
  })
  expect(res.status).toBe(200)
  return (await res.json()) as UploadListResponse
}

const WIDE = { width: 1280, height: 760 } as const

test('a pasted image reaches a co-editor, a viewer and a restart; resize, alt text and caption sync; strangers get 403', async ({
  newUser,
  startServer,
}, testInfo) => {
  // Four pages and a restart; on a loaded machine opening a page alone can take seconds.
  test.setTimeout(180_000)
  const server = await startServer()
  const doc = await createDocument(server.baseUrl, 'Quarterly report')
  // Wide enough for the 640 px picture beside the comments column.
  const ann = await newUser('Ann', { viewport: WIDE })
  const ben = await newUser('Ben', { viewport: WIDE })
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)

  await editorContent(ann).click()
  await ann.keyboard.type('Sales by region:')
  await deliverFiles(ann, 'paste', [{ name: 'chart.png', drawn: 'chart', width: 640, height: 360 }])
  await expect.poll(() => renderedImageWidth(ann)).toBe(640)
  await expect(ann.getByTestId('upload-tray')).toHaveCount(0)

  // Ann describes and captions it, and narrows it with the keyboard (the handle is a slider).
  await ann.getByTestId('image-alt').fill('Bar chart of sales by region')
  await ann.getByTestId('image-caption').fill('Figure 1: sales by region')
  const handle = ann.getByTestId('image-resize')
  await handle.focus()
  await handle.press('Shift+ArrowLeft')
  await handle.press('Shift+ArrowLeft')
  await expect(handle).toHaveAttribute('aria-valuenow', '512')
  await expectAllSaved(ann)

  // Ben, in another browser, sees the same picture, description, caption and width.
  await expect.poll(() => renderedImageWidth(ben)).toBe(640)
  await expect(ben.getByTestId('image-img')).toHaveAttribute('alt', 'Bar chart of sales by region')
  await expect(ben.getByTestId('image-caption')).toHaveValue('Figure 1: sales by region')
  await expect(ben.getByTestId('image')).toHaveCSS('width', '512px')
  const hash = await ben.getByTestId('image').getAttribute('data-hash')
  expect(hash).toMatch(/^[0-9a-f]{64}$/)

  await ann.getByTestId('image').screenshot({ path: testInfo.outputPath('image-light.png') })

  // A viewer sees it (no editing controls), in dark mode and on a phone.
  const vera = await newUser('Vera', { viewport: { width: 390, height: 760 } })
  await vera.emulateMedia({ colorScheme: 'dark' })
  await openEditor(vera, doc.viewUrl)
  await expect.poll(() => renderedImageWidth(vera)).toBe(640)
  await expect(vera.getByTestId('image-caption-text')).toHaveText('Figure 1: sales by region')
  await expect(vera.getByTestId('image-resize')).toHaveCount(0)
  await expect(vera.getByTestId('image-alt')).toHaveCount(0)
  // Narrower than the phone's column whatever width was set.
  const veraBox = await vera.getByTestId('image-img').boundingBox()
  expect(veraBox!.width).toBeLessThanOrEqual(390)
  await vera.screenshot({ path: testInfo.outputPath('image-viewer-dark-390.png') })

  // Strangers: the image path without a signature, with a forged one, or moved to another
  // document get 403; nobody lists images without a key of the document.
  const src = (await vera.getByTestId('image-img').getAttribute('src'))!
  const signed = new URL(src)
  expect((await fetch(new URL(signed.pathname, server.baseUrl))).status).toBe(403)
  const forged = new URL(src)
  forged.searchParams.set('signature', 'A'.repeat(43))
  expect((await fetch(forged)).status).toBe(403)
  const other = await createDocument(server.baseUrl, 'Other')
  expect((await fetch(src.replace(`/${doc.id}/`, `/${other.id}/`))).status).toBe(403)
  expect((await fetch(`${server.baseUrl}/api/documents/${doc.id}/uploads`)).status).toBe(401)
  const withOtherKey = await fetch(`${server.baseUrl}/api/documents/${doc.id}/uploads`, {
    headers: { authorization: `${SHARE_KEY_AUTH_SCHEME} ${shareKeyOf(other.editUrl)}` },
  })
  expect(withOtherKey.status).toBe(403)

  // After a restart the image is still there for everyone who opens the document.
  await ann.screenshot({ path: testInfo.outputPath('image-editor-light.png') })
  expect(await server.stop()).toBe(0)
  await server.start()
  // Closed and opened anew, as in the persistence test: nothing comes from the tab's memory.
  await ben.close()
  const reopened = await ben.context().newPage()
  await reopened.emulateMedia({ colorScheme: 'dark' })
  await openEditor(reopened, doc.editUrl)
  await expect.poll(() => renderedImageWidth(reopened), { timeout: 30_000 }).toBe(640)
  await expect(reopened.getByTestId('image')).toHaveAttribute('data-hash', hash!)
  await expect(reopened.getByTestId('image-img')).toHaveAttribute('alt', 'Bar chart of sales by region')
  await reopened.screenshot({ path: testInfo.outputPath('image-editor-dark.png') })
})

test('refused uploads say why and store nothing; a remote image pasted as HTML stays a placeholder with its link until a copy is uploaded', async ({
  newUser,
  startServer,
}, testInfo) => {
  test.setTimeout(180_000)
  const server = await startServer({ env: { MAX_UPLOAD_BYTES: '102400' } })
  const doc = await createDocument(server.baseUrl, 'Refusals')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('Attachments:')

  // An SVG through the toolbar's file picker: refused by content, said in words.
  const chooser = ann.waitForEvent('filechooser')
  await ann.getByTestId('toolbar-image').click()
  await (await chooser).setFiles({
    name: 'logo.svg',
    mimeType: 'image/svg+xml',
    buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
  })
  const refusals = ann.getByTestId('upload-error')
  await expect(refusals).toHaveText(
    /logo\.svg was not added: only PNG, JPEG, GIF and WebP images can be uploaded/,
  )
  // A PNG named like one but holding HTML, pasted: refused the same way.
  await deliverFiles(ann, 'paste', [
    { name: 'fake.png', type: 'image/png', text: '<html><script>x</script></html>' },
  ])
  await expect(refusals.nth(1)).toHaveText(/fake\.png was not added: only PNG, JPEG, GIF and WebP/)
  // Too large, dropped.
  await deliverFiles(ann, 'drop', [{ name: 'photo.png', drawn: 'noise', width: 400, height: 400 }])
  await expect(refusals.nth(2)).toHaveText(/photo\.png was not added: images can be at most 100 KB/)
  await ann.screenshot({ path: testInfo.outputPath('upload-errors.png') })
  await expect(ann.getByTestId('image')).toHaveCount(0)
  expect((await listUploads(server.baseUrl, doc.id, shareKeyOf(doc.editUrl))).uploads).toEqual([])
  await refusals.first().getByTestId('upload-error-dismiss').click()
  await expect(refusals).toHaveCount(2)

  // HTML from a web page with a remote image: kept as a placeholder with its link and alt text,
  // not fetched by anyone, and not dropped.
  await ann.keyboard.press('End')
  await pasteHtml(
    ann,
    '<p>Our logo: <img src="https://images.example.com/logo.png" alt="Tandem logo"></p>',
    'Our logo:',
  )
  for (const page of [ann, ben]) {
    await expect(page.getByTestId('image-placeholder')).toContainText('Image not copied')
    await expect(page.getByTestId('image-placeholder-alt')).toHaveText('“Tandem logo”')
    await expect(page.getByTestId('image-source-link')).toHaveAttribute(
      'href',
      'https://images.example.com/logo.png',
    )
  }
  await ann.getByTestId('image-placeholder').screenshot({ path: testInfo.outputPath('placeholder.png') })

  // Ben uploads a copy: the placeholder becomes the image for both, alt text kept.
  const copy = ben.waitForEvent('filechooser')
  await ben.getByTestId('image-upload-copy').click()
  await (await copy).setFiles({ name: 'logo.png', mimeType: 'image/png', buffer: TINY_PNG })
  for (const page of [ann, ben]) {
    await expect.poll(() => renderedImageWidth(page)).toBe(1)
    await expect(page.getByTestId('image-img')).toHaveAttribute('alt', 'Tandem logo')
    await expect(page.getByTestId('image-placeholder')).toHaveCount(0)
  }
  expect((await listUploads(server.baseUrl, doc.id, shareKeyOf(doc.viewUrl))).uploads).toHaveLength(1)
})
