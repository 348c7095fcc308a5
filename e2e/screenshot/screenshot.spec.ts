/**
 * Renders the README's pictures: docs/screenshot.png, two people co-editing one document, each in
 * their own browser, side by side, each seeing the other's labelled caret and avatar; the same in
 * dark mode (docs/screenshot-dark.png); and two phones (docs/screenshot-mobile.png), one editing,
 * one showing the share dialog.
 */
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from '@playwright/test'
import { createDocument } from '../support/documents'
import { editorContent, expectAllSaved, openEditor, placeCaretAtEnd } from '../support/editorPage'
import { expect, type NewUser, test } from '../support/fixtures'

// Each picture types a whole document key by key in two browsers: minutes on a busy machine.
test.setTimeout(300_000)

const docsFile = (name: string) => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url))
const CANVAS = { width: 1280, height: 720 } as const
const GAP = 16
const LABEL_HEIGHT = 36
const PANE = { width: (CANVAS.width - 3 * GAP) / 2, height: CANVAS.height - LABEL_HEIGHT - 2 * GAP }
/** Each browser renders wider than its pane (one-row toolbar) and is scaled down into it. */
const SCALE = 0.8
/** The phone of the mobile picture: issue 15's 390x844, shown at full size. */
const PHONE = { width: 390, height: 844 } as const
const PHONE_CANVAS = { width: 2 * PHONE.width + 3 * GAP, height: PHONE.height + LABEL_HEIGHT + 2 * GAP }

interface Frame {
  canvas: { width: number; height: number }
  pane: { width: number; height: number }
  dark: boolean
}

const DESKTOP_FRAME: Frame = { canvas: CANVAS, pane: PANE, dark: false }

/** Two browser windows side by side, each with a caption, on a plain backdrop. */
function composition(panes: Array<{ caption: string; png: Buffer }>, frame: Frame): string {
  const { canvas, pane, dark } = frame
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
    html, body { margin: 0; width: ${canvas.width}px; height: ${canvas.height}px; overflow: hidden; }
    body { display: flex; gap: ${GAP}px; padding: ${GAP}px; box-sizing: border-box;
      background: ${dark ? 'linear-gradient(135deg, #1b1d24, #221d2b)' : 'linear-gradient(135deg, #e9eef7, #f4f1fa)'};
      font: 13px system-ui, sans-serif; }
    figure { margin: 0; width: ${pane.width}px; border-radius: 10px; overflow: hidden;
      background: ${dark ? '#18191b' : '#fff'};
      box-shadow: 0 1px 2px rgb(0 0 0 / 8%), 0 8px 24px rgb(30 40 80 / ${dark ? '40%' : '12%'}); }
    figcaption { height: ${LABEL_HEIGHT}px; display: flex; align-items: center; gap: 12px; padding: 0 12px;
      background: ${dark ? '#232427' : '#f1f2f5'}; color: ${dark ? '#b0b4ba' : '#505563'};
      border-bottom: 1px solid ${dark ? '#363a3f' : '#e2e4ea'}; }
    .dots { display: flex; gap: 6px; } .dots i { width: 10px; height: 10px; border-radius: 50%;
      background: ${dark ? '#4a4e55' : '#d5d8df'}; }
    img { display: block; width: ${pane.width}px; height: ${pane.height}px; }
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

/**
 * Ann and Ben write the launch plan together; each page then shows the other's caret mid-document.
 * Playwright scrolls toolbar buttons into view, so this works on a phone's one-row toolbar too.
 */
async function writeLaunchPlan(ann: Page, ben: Page): Promise<void> {
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
    await page.mouse.move(1, (page.viewportSize()?.height ?? 2) - 1)
  }
}

/** Ann's and Ben's browsers side by side, rendered into `file`. */
async function renderPair(browser: Browser, ann: Page, ben: Page, file: string, frame: Frame): Promise<void> {
  const panes = [
    { caption: 'Ann’s browser', png: await ann.screenshot() },
    { caption: 'Ben’s browser', png: await ben.screenshot() },
  ]
  const canvas = await browser.newPage({ viewport: frame.canvas })
  await canvas.setContent(composition(panes, frame))
  await canvas.screenshot({ path: file })
  await canvas.close()
}

const DESKTOP_VIEWPORT = { width: Math.round(PANE.width / SCALE), height: Math.round(PANE.height / SCALE) }

/** Ann and Ben, each in their own browser, on one new document. */
async function twoPeopleOnOneDocument(
  baseUrl: string,
  newUser: NewUser,
  viewport: { width: number; height: number },
  colorScheme: 'light' | 'dark',
): Promise<[Page, Page]> {
  const doc = await createDocument(baseUrl)
  const ann = await withUserId(await newUser('Ann Lee', { viewport }), USER_IDS.ann)
  const ben = await withUserId(await newUser('Ben Okafor', { viewport }), USER_IDS.ben)
  for (const page of [ann, ben]) {
    await page.emulateMedia({ colorScheme })
    await openEditor(page, doc.editUrl)
  }
  return [ann, ben]
}

test('docs/screenshot.png', async ({ tandem, newUser, browser }) => {
  const [ann, ben] = await twoPeopleOnOneDocument(tandem.baseUrl, newUser, DESKTOP_VIEWPORT, 'light')
  await writeLaunchPlan(ann, ben)
  await renderPair(browser, ann, ben, docsFile('screenshot.png'), DESKTOP_FRAME)
})

test('docs/screenshot-dark.png', async ({ tandem, newUser, browser }) => {
  const [ann, ben] = await twoPeopleOnOneDocument(tandem.baseUrl, newUser, DESKTOP_VIEWPORT, 'dark')
  await writeLaunchPlan(ann, ben)
  await renderPair(browser, ann, ben, docsFile('screenshot-dark.png'), { ...DESKTOP_FRAME, dark: true })
})

test('docs/screenshot-mobile.png', async ({ tandem, newUser, browser }) => {
  const [ann, ben] = await twoPeopleOnOneDocument(tandem.baseUrl, newUser, PHONE, 'light')
  await writeLaunchPlan(ann, ben)
  // Ben's phone shows the share dialog: the document's links, when and by whom made, copy and revoke.
  await ben.getByTestId('share-button').click()
  await expect(ben.getByTestId('share-link-row')).toHaveCount(2)
  await renderPair(browser, ann, ben, docsFile('screenshot-mobile.png'), {
    canvas: PHONE_CANVAS,
    pane: PHONE,
    dark: false,
  })
})
