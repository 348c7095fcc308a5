/**
 * Issue 15, item 3: over plain HTTP on a LAN name (not a secure context) the app, /embed/* in an
 * iframe and the script-tag embed all work; nothing may rely on secure-context-only APIs.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Frame, Page } from '@playwright/test'
import { createToken } from '@tandem/shared'
import { LAN_HOSTNAME } from '../support/chromium'
import { createDocument } from '../support/documents'
import { editorContent, expectSynced, openEditor } from '../support/editorPage'
import { startEmbedHost } from '../support/embedHost'
import { expect, test } from '../support/fixtures'
import { E2E_SECRET } from '../support/tandemServer'

/** `url` with its host replaced by the LAN name (same port, same server). */
const onLan = (url: string) => {
  const lan = new URL(url)
  lan.hostname = LAN_HOSTNAME
  return lan.toString()
}

/** Fails the test if the page is a secure context: the checks below would then prove nothing. */
async function expectInsecure(target: Page | Frame): Promise<void> {
  expect(await target.evaluate(() => window.isSecureContext)).toBe(false)
}

function collectErrors(page: Page): Error[] {
  const errors: Error[] = []
  page.on('pageerror', (error) => errors.push(error))
  return errors
}

test('the app opens, edits and shows presence over plain HTTP on a LAN name', async ({ tandem, newUser }) => {
  const doc = await createDocument(tandem.baseUrl, 'On the LAN')
  const ann = await newUser('Ann')
  const errors = collectErrors(ann)
  await ann.goto(onLan(tandem.baseUrl))
  await expectInsecure(ann)
  await expect(ann.getByTestId('new-document')).toBeVisible()

  await openEditor(ann, onLan(doc.editUrl))
  await editorContent(ann).click()
  await ann.keyboard.type('Typed over plain HTTP')
  const ben = await newUser('Ben')
  await openEditor(ben, doc.editUrl)
  await expect(editorContent(ben)).toHaveText('Typed over plain HTTP')
  await expect(ben.locator('[data-testid=presence-entry][data-self=false]')).toHaveAttribute(
    'data-name',
    'Ann',
  )

  // Copying a link needs the Clipboard API, which insecure pages lack: the dialog copies another way
  // or says how to, and never throws.
  await ann.getByTestId('share-button').click()
  const copyEdit = ann
    .locator('[data-testid=share-link-row][data-role=editor]')
    .first()
    .getByTestId('share-link-copy')
  await copyEdit.click()
  await expect
    .poll(
      async () =>
        (await copyEdit.textContent()) === 'Copied' ||
        (await ann.getByTestId('share-copy-blocked').count()) === 1,
    )
    .toBe(true)
  expect(errors).toEqual([])
})

test('/embed/* works in an iframe and alone over plain HTTP on a LAN name', async ({ tandem, newUser }) => {
  const doc = await createDocument(tandem.baseUrl, 'Embedded on the LAN')
  const token = await createToken({
    secret: E2E_SECRET,
    sub: 'host-ann',
    room: doc.id,
    role: 'editor',
    name: 'Ann',
  })
  const embedUrl = onLan(`${tandem.baseUrl}/embed/${doc.id}?token=${token}`)

  const ann = await newUser('Ann')
  const errors = collectErrors(ann)
  await ann.goto(embedUrl)
  await expectInsecure(ann)
  await expectSynced(ann)

  // A host site on another LAN origin frames it.
  const site = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end(
      `<!doctype html><title>host</title><iframe id="embed" src="${embedUrl}" width="900" height="500"></iframe>`,
    )
  })
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve))
  try {
    const { port } = site.address() as AddressInfo
    await ann.goto(`http://${LAN_HOSTNAME}:${port}/`)
    const frame = ann.frame({ url: (url) => url.pathname.startsWith('/embed/') })
    expect(frame).not.toBeNull()
    await expectInsecure(frame!)
    const embed = ann.frameLocator('#embed')
    await expect(embed.getByTestId('connection-status')).toHaveAttribute('data-synced', 'true')
    await embed.getByTestId('editor-content').click()
    await ann.keyboard.type('typed in a LAN iframe')
    const ben = await newUser('Ben')
    await openEditor(ben, doc.editUrl)
    await expect(editorContent(ben)).toHaveText('typed in a LAN iframe')
  } finally {
    await new Promise((resolve) => site.close(resolve))
  }
  expect(errors).toEqual([])
})

test('the script-tag embed works on a plain-HTTP LAN host page', async ({ tandem, newUser }) => {
  const doc = await createDocument(tandem.baseUrl, 'Script tag on the LAN')
  const host = await startEmbedHost(onLan(tandem.baseUrl).replace(/\/$/, ''))
  try {
    const ann = await newUser('Ann')
    const errors = collectErrors(ann)
    const query = new URLSearchParams({ room: doc.id, name: 'Ann Embed', user: 'host-user-ann' })
    await ann.goto(`${onLan(host.baseUrl)}?${query}`)
    await expectInsecure(ann)
    await expect(ann.getByTestId('embed-status')).toHaveText('synced')
    await editorContent(ann).click()
    await ann.keyboard.type('typed on a LAN host page')
    const ben = await newUser('Ben')
    await openEditor(ben, doc.editUrl)
    await expect(editorContent(ben)).toHaveText('typed on a LAN host page')
    expect(errors).toEqual([])
  } finally {
    await host.stop()
  }
})
