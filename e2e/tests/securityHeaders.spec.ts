/**
 * Issue 14, item 9: the app and the embed page work under their Content-Security-Policy, with no
 * violation reported, and only EMBED_ORIGINS may frame the editor (the app itself: nobody).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { BrowserContext, ConsoleMessage, Page } from '@playwright/test'
import { createToken } from '@tandem/shared'
import { createDocument } from '../support/documents'
import { editorContent, expectAllSaved, openEditor } from '../support/editorPage'
import { expect, test } from '../support/fixtures'
import { E2E_SECRET } from '../support/tandemServer'

/**
 * A third-party site framing `html`: another port is another origin. A real loopback server, because
 * Chromium's local network access checks refuse to let a page of unknown address (one Playwright
 * fulfils) frame a loopback one.
 */
async function startHostSite(html: string): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end(html)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/host-page`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

interface CspWatch {
  readonly violations: () => Promise<string[]>
  readonly console: string[]
}

/** Collects `securitypolicyviolation` events in every frame, and CSP lines of the console. */
async function watchCsp(context: BrowserContext, page: Page): Promise<CspWatch> {
  await context.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { __csp: string[] }).__csp = seen
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.violatedDirective} ${event.blockedURI}`)
    })
  })
  const console: string[] = []
  page.on('console', (message: ConsoleMessage) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) console.push(message.text())
  })
  return {
    console,
    violations: async () => {
      const all: string[] = []
      for (const frame of page.frames()) {
        all.push(...(await frame.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])))
      }
      return all
    },
  }
}

test('the app runs under its CSP with no violation', async ({ tandem, newUser }) => {
  const doc = await createDocument(tandem.baseUrl, 'Under CSP')
  const ann = await newUser('Ann')
  const csp = await watchCsp(ann.context(), ann)
  const response = await ann.goto(doc.editUrl)
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")
  await openEditor(ann, doc.editUrl)
  await editorContent(ann).click()
  // Formatting, lists and indentation make Lexical write inline styles and classes.
  await ann.keyboard.type('# Heading')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('- item')
  await ann.keyboard.press('Tab')
  await ann.keyboard.type(' indented')
  await expectAllSaved(ann)
  // A second person: remote carets, selection highlights and presence avatars are styled at runtime.
  const ben = await newUser('Ben')
  await openEditor(ben, doc.editUrl)
  await editorContent(ben).click()
  await ben.keyboard.press('Control+A')
  await expect(ann.getByTestId('remote-caret-label')).toHaveText('Ben')
  await ann.getByTestId('share-button').click()
  await expect(ann.getByTestId('share-dialog')).toBeVisible()
  expect(await csp.violations()).toEqual([])
  expect(csp.console).toEqual([])

  // The watch works: markup-injected script and style (what an HTML injection would add) are refused.
  await ann.evaluate(() => {
    const injected = document.createElement('div')
    injected.innerHTML = '<img src=x onerror="document.title=1"><span style="color:red"></span>'
    document.body.append(injected)
  })
  await expect.poll(async () => (await csp.violations()).length).toBeGreaterThanOrEqual(2)
})

test('the embed page works inside a third-party iframe; the app page refuses to be framed', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Embedded under CSP')
  const token = await createToken({
    secret: E2E_SECRET,
    sub: 'host-user',
    room: doc.id,
    role: 'editor',
    name: 'Ann',
  })
  const ann = await newUser('Ann')
  const csp = await watchCsp(ann.context(), ann)
  const host = await startHostSite(`<!doctype html><title>host</title>
    <iframe id="embed" src="${tandem.baseUrl}/embed/${doc.id}?token=${token}" width="900" height="500"></iframe>
    <iframe id="app" src="${doc.editUrl}" width="900" height="300"></iframe>`)
  try {
    await expectEmbedWorks(ann, host.url, csp)
  } finally {
    await host.stop()
  }
  const reader = await newUser('Ben')
  await openEditor(reader, doc.editUrl)
  await expect(editorContent(reader)).toHaveText('typed in an iframe')
})

async function expectEmbedWorks(ann: Page, hostUrl: string, csp: CspWatch): Promise<void> {
  await ann.goto(hostUrl)
  const embed = ann.frameLocator('#embed')
  await expect(embed.getByTestId('editor-content')).toBeVisible()
  await embed.getByTestId('editor-content').click()
  await ann.keyboard.type('typed in an iframe')
  await expect(embed.getByTestId('editor-content')).toHaveText('typed in an iframe')

  // frame-ancestors 'none' on the app: Chromium reports it in the host page's console.
  await expect.poll(() => csp.console.filter((line) => line.includes('frame-ancestors')).length).toBe(1)
  await expect(ann.frameLocator('#app').getByTestId('editor')).toHaveCount(0)
  // Nothing else was refused, in the host page or the embedded editor.
  expect(csp.console.filter((line) => !line.includes('frame-ancestors'))).toEqual([])
  expect(await csp.violations()).toEqual([])
}
