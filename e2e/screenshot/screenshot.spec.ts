/**
 * Renders docs/screenshot.png: two people co-editing one document, each in their own browser, side
 * by side, each seeing the other's labelled caret and avatar.
 */
import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { createDocument } from '../support/documents'
import { editorContent, expectAllSaved, openEditor, placeCaretAtEnd } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

const OUTPUT = fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url))
const CANVAS = { width: 1280, height: 720 } as const
const GAP = 16
const LABEL_HEIGHT = 36
const PANE = { width: (CANVAS.width - 3 * GAP) / 2, height: CANVAS.height - LABEL_HEIGHT - 2 * GAP }
/** Each browser renders wider than its pane (one-row toolbar) and is scaled down into it. */
const SCALE = 0.8

/** Two browser windows side by side, each with a caption, on a plain backdrop. */
function composition(panes: Array<{ caption: string; png: Buffer }>): string {
  const figures = panes
    .map(
      ({ caption, png }) => `
      <figure>
        <figcaption><span class="dots"><i></i><i></i><i></i></span>${caption}</figcaption>
        <img src="data:image/png;base64,${png.toString('base64')}" alt="">
      </figure>`,
    )
    .join('')
  return `<!doctype html><html><head><style>
    html, body { margin: 0; width: ${CANVAS.width}px; height: ${CANVAS.height}px; overflow: hidden; }
    body { display: flex; gap: ${GAP}px; padding: ${GAP}px; box-sizing: border-box;
      background: linear-gradient(135deg, #e9eef7, #f4f1fa); font: 13px system-ui, sans-serif; }
    figure { margin: 0; width: ${PANE.width}px; border-radius: 10px; overflow: hidden; background: #fff;
      box-shadow: 0 1px 2px rgb(0 0 0 / 8%), 0 8px 24px rgb(30 40 80 / 12%); }
    figcaption { height: ${LABEL_HEIGHT}px; display: flex; align-items: center; gap: 12px; padding: 0 12px;
      background: #f1f2f5; color: #505563; border-bottom: 1px solid #e2e4ea; }
    .dots { display: flex; gap: 6px; } .dots i { width: 10px; height: 10px; border-radius: 50%; background: #d5d8df; }
    img { display: block; width: ${PANE.width}px; height: ${PANE.height}px; }
  </style></head><body>${figures}</body></html>`
}

/** Fixed user ids, chosen for the caret colours they map to (client/src/identity colorForUser). */
const USER_IDS = { ann: 'ann-5', ben: 'ben-1' } as const

async function withUserId(page: Page, userId: string): Promise<Page> {
  await page.context().addInitScript((id) => {
    try {
      localStorage.setItem('tandem.userId', id)
    } catch {}
  }, userId)
  return page
}

async function typeLines(page: Page, lines: string[]): Promise<void> {
  for (const [index, line] of lines.entries()) {
    if (index > 0) await page.keyboard.press('Enter')
    await page.keyboard.type(line)
  }
}

test('docs/screenshot.png', async ({ tandem, newUser, browser }) => {
  const doc = await createDocument(tandem.baseUrl)
  const viewport = { width: Math.round(PANE.width / SCALE), height: Math.round(PANE.height / SCALE) }
  const ann = await withUserId(await newUser('Ann Lee', { viewport }), USER_IDS.ann)
  const ben = await withUserId(await newUser('Ben Okafor', { viewport }), USER_IDS.ben)
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)

  await ann.getByTestId('document-title').fill('Tandem 1.0 launch')
  await editorContent(ann).click()
  await ann.keyboard.type('Launch plan')
  await ann.getByTestId('toolbar-h1').click()
  await ann.keyboard.press('End')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('We ship on ')
  await ann.keyboard.press('Control+B')
  await ann.keyboard.type('Monday, June 2')
  await ann.keyboard.press('Control+B')
  await ann.keyboard.type('. Everything below must be done by Friday.')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('Checklist')
  await ann.getByTestId('toolbar-h2').click()
  await ann.keyboard.press('End')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('- ')
  await typeLines(ann, ['Release notes and screenshots', 'Load test with 1,000 clients', 'Backups verified'])
  await expect(editorContent(ben).locator('ul > li')).toHaveCount(3)

  await placeCaretAtEnd(editorContent(ben).locator('ul > li').last())
  await ben.keyboard.press('Enter')
  await ben.keyboard.type('Docs: self-hosting guide')
  await ben.keyboard.press('Enter')
  await ben.keyboard.press('Enter')
  await ben.keyboard.type('Open questions')
  await ben.getByTestId('toolbar-h2').click()
  await ben.keyboard.press('End')
  await ben.keyboard.press('Enter')
  await ben.getByTestId('toolbar-number').click()
  await expect(editorContent(ben).locator('ol')).toHaveCount(1)
  await ben.keyboard.type('Do we announce on the blog ')
  await ben.getByTestId('toolbar-italic').click()
  await ben.keyboard.type('and')
  await ben.getByTestId('toolbar-italic').click()
  await ben.keyboard.type(' the mailing list?')
  await ben.keyboard.press('Enter')
  await ben.keyboard.type('Who gives the demo on Monday?')
  await ben.keyboard.press('Enter')
  await ben.keyboard.press('Enter')
  await ben.keyboard.type('> Small, boring, reliable. Then ship it.')
  await ben.keyboard.press('ArrowUp')
  await ben.keyboard.press('ArrowUp')
  await ben.keyboard.press('End')

  // Ann goes back to the checklist, so each window shows the other person's caret mid-document.
  await placeCaretAtEnd(editorContent(ann).locator('ul > li').nth(1))
  await ann.keyboard.type(' (Ben?)')
  await expect(editorContent(ben).locator('ul > li').nth(1)).toHaveText('Load test with 1,000 clients (Ben?)')
  await expect(editorContent(ann).locator('blockquote')).toHaveText('Small, boring, reliable. Then ship it.')
  for (const page of [ann, ben]) {
    await expect(page.getByTestId('remote-caret-label')).toBeVisible()
    await expect(page.getByTestId('presence-entry')).toHaveCount(2)
    await expectAllSaved(page)
    // No hover highlight on the last toolbar button clicked.
    await page.mouse.move(1, viewport.height - 1)
  }

  const panes = [
    { caption: 'Ann’s browser', png: await ann.screenshot() },
    { caption: 'Ben’s browser', png: await ben.screenshot() },
  ]
  const canvas = await browser.newPage({ viewport: CANVAS })
  await canvas.setContent(composition(panes))
  await canvas.screenshot({ path: OUTPUT })
  await canvas.close()
})
