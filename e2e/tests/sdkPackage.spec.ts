/**
 * The editor as a package: `npm pack` of sdk/editor, installed from the tarball into a fresh Vite +
 * React app (built with Vite) and into a plain HTML page, both in Chromium against a real server,
 * co-editing one document. "Installed" without the network: the tarball is unpacked into each
 * example's node_modules; its dependencies resolve from the workspace's, as an `npm install` of the
 * tarball would place them.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createToken } from '@tandem/shared'
import { createDocument } from '../support/documents'
import { editorContent } from '../support/editorPage'
import { expect, test } from '../support/fixtures'
import { serveDirectory } from '../support/staticSite'
import { E2E_SECRET } from '../support/tandemServer'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const examples = path.join(repoRoot, 'examples')

/** Unpacks the tarball where `npm install <tarball>` puts the package. */
function installTarball(tarball: string, app: string): void {
  const target = path.join(examples, app, 'node_modules/@tandem/editor')
  rmSync(target, { recursive: true, force: true })
  mkdirSync(target, { recursive: true })
  execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'])
}

test('the packed editor works in a fresh Vite + React app and in a plain page', async ({
  tandem,
  newUser,
}, testInfo) => {
  test.setTimeout(180_000)
  const work = mkdtempSync(path.join(tmpdir(), 'tandem-sdk-pack-'))
  try {
    const tarball = execFileSync(process.execPath, [path.join(repoRoot, 'sdk/editor/pack.mjs'), work])
      .toString()
      .trim()
    for (const app of ['vite-react', 'plain-html']) installTarball(tarball, app)
    const viteOut = path.join(work, 'vite-react-dist')
    execFileSync(
      path.join(repoRoot, 'node_modules/.bin/vite'),
      ['build', '--outDir', viteOut, '--logLevel', 'error'],
      {
        cwd: path.join(examples, 'vite-react'),
      },
    )
    const reactSite = await serveDirectory(viteOut)
    const plainSite = await serveDirectory(path.join(examples, 'plain-html'))
    try {
      const doc = await createDocument(tandem.baseUrl, 'Packed')
      const open = async (site: string, name: string) => {
        const page = await newUser(name)
        const warnings: string[] = []
        page.on('console', (message) => warnings.push(message.text()))
        page.on('pageerror', (error) => warnings.push(error.message))
        const token = await createToken({ secret: E2E_SECRET, sub: name, name, room: doc.id, role: 'editor' })
        const query = new URLSearchParams({ server: tandem.baseUrl, room: doc.id, token, name, user: name })
        await page.goto(`${site}/?${query}`)
        await expect(page.getByTestId('example-status')).toHaveText('synced')
        return { page, warnings }
      }
      const ann = await open(reactSite.baseUrl, 'Ann')
      const ben = await open(plainSite.baseUrl, 'Ben')

      await editorContent(ann.page).click()
      await ann.page.keyboard.type('Typed in the React app')
      await expect(editorContent(ben.page)).toHaveText('Typed in the React app')
      await editorContent(ben.page).click()
      await ben.page.keyboard.press('End')
      await ben.page.keyboard.type(' and in the plain page')
      await expect(editorContent(ann.page)).toHaveText('Typed in the React app and in the plain page')
      await expect(ann.page.locator('[data-testid=presence-entry][data-self=false]')).toHaveAttribute(
        'data-name',
        'Ben',
      )

      for (const [name, user] of Object.entries({ ann, ben })) {
        await user.page.screenshot({ path: testInfo.outputPath(`${name}.png`) })
        // One copy of Yjs and Lexical each: a second one warns in the console.
        expect(
          user.warnings.filter((text) => /already imported|multiple|duplicate/i.test(text)),
          name,
        ).toEqual([])
      }
    } finally {
      await Promise.all([reactSite.close(), plainSite.close()])
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
})
