/**
 * Renders the README's pictures: docs/screenshot.png, two people co-editing one document (a short
 * launch spec with a table, a highlighted code block and a pasted chart with a caption), each in
 * their own browser, side by side, each seeing the other's labelled caret and avatar; the same in
 * dark mode (docs/screenshot-dark.png); and two phones (docs/screenshot-mobile.png), one editing,
 * one showing the share dialog.
 */
import { fileURLToPath } from 'node:url'
import type { Browser, Locator, Page } from '@playwright/test'
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

/** Opens the `/` menu at the caret, filters it with `query` and picks the first entry with Enter. */
async function insertWithSlash(page: Page, query: string, expectedTestId: string): Promise<void> {
  const menu = page.getByRole('listbox', { name: 'Insert' })
  await page.keyboard.type(`/${query}`)
  // The menu filtered by the whole query (one entry), not by a prefix still catching up on a loaded
  // machine: Enter on a stale match leaves part of the typed `/query` in the document.
  await expect(menu.getByRole('option')).toHaveCount(1)
  await expect(menu.getByRole('option', { selected: true })).toHaveAttribute('data-testid', expectedTestId)
  await page.keyboard.press('Enter')
  await expect(menu).toBeHidden()
}

/** Types `lines` into a code block, one line break (not a new block) between them. */
async function typeCode(page: Page, lines: string[]): Promise<void> {
  for (const [index, line] of lines.entries()) {
    if (index > 0) await page.keyboard.press('Shift+Enter')
    await page.keyboard.type(line)
  }
}

/** The line of the code block holding `text` (one text node a line: colours are CSS highlights). */
const codeLine = (page: Page, text: string) => editorContent(page).locator('code span', { hasText: text })

/**
 * Pastes a chart drawn in the page, as a person pastes a screenshot: a real PNG, uploaded by the
 * server and shown to everyone. Drawn in the page's colour scheme, as the person would have seen it.
 */
async function pasteLoadTestChart(page: Page): Promise<void> {
  await editorContent(page).evaluate(async (element) => {
    const width = 520
    const height = 150
    const dark = matchMedia('(prefers-color-scheme: dark)').matches
    const canvas = document.createElement('canvas')
    canvas.width = width
    canvas.height = height
    const context = canvas.getContext('2d')!
    context.fillStyle = dark ? '#202226' : '#f7f8fa'
    context.fillRect(0, 0, width, height)
    const left = 56
    const bottom = height - 26
    const top = 18
    const ink = dark ? '#9ba1a6' : '#6b7280'
    context.font = '11px system-ui, sans-serif'
    context.textBaseline = 'middle'
    // Grid lines every 25 ms, the 80 ms target dashed.
    for (const ms of [0, 25, 50, 75, 100]) {
      const y = bottom - ((bottom - top) * ms) / 100
      context.strokeStyle = dark ? '#33363b' : '#e3e5e8'
      context.beginPath()
      context.moveTo(left, y)
      context.lineTo(width - 12, y)
      context.stroke()
      context.fillStyle = ink
      context.textAlign = 'right'
      context.fillText(`${ms} ms`, left - 8, y)
    }
    const target = bottom - ((bottom - top) * 80) / 100
    context.setLineDash([4, 4])
    context.strokeStyle = dark ? '#ff8a80' : '#e5484d'
    context.beginPath()
    context.moveTo(left, target)
    context.lineTo(width - 12, target)
    context.stroke()
    context.setLineDash([])
    context.fillStyle = context.strokeStyle
    context.textAlign = 'right'
    context.fillText('target 80 ms', width - 14, target - 9)
    // p95 latency by number of clients.
    const samples = [
      [100, 18],
      [250, 24],
      [500, 33],
      [750, 47],
      [1000, 61],
    ] as const
    const slot = (width - 12 - left) / samples.length
    samples.forEach(([clients, ms], index) => {
      const x = left + slot * index + slot * 0.25
      const y = bottom - ((bottom - top) * ms) / 100
      context.fillStyle = dark ? '#5b8def' : '#3e63dd'
      context.fillRect(x, y, slot * 0.5, bottom - y)
      context.fillStyle = ink
      context.textAlign = 'center'
      context.fillText(`${clients.toLocaleString('en-US')} clients`, x + slot * 0.25, bottom + 14)
    })
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((made) => resolve(made!), 'image/png'))
    const data = new DataTransfer()
    data.items.add(new File([blob], 'load-test.png', { type: 'image/png' }))
    element.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    )
  })
}

/**
 * Ann and Ben write the launch spec together: Ann the heading, the summary and the table of
 * milestones; Ben the code snippet (TypeScript, highlighted) and the load test's chart with a
 * caption. Each page then shows the other's caret: Ann's in the table, Ben's in the code. Playwright
 * scrolls toolbar controls into view, so this works on a phone's one-row toolbar too.
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
  await ann.keyboard.type('. Milestones, flags and the load test are below.')
  await ann.keyboard.press('Enter')
  await insertWithSlash(ann, 'table', 'insert-table')
  await expect(editorContent(ann).locator(':scope > p')).toHaveText([
    'We ship on Monday, June 2. Milestones, flags and the load test are below.',
    '',
  ])
  const annTable = editorContent(ann).locator('table')
  await expect(annTable.locator('th, td')).toHaveCount(9)
  await annTable.locator('th').first().click()
  const cells = ['Milestone', 'Owner', 'Due', 'Feature freeze', 'Ann', 'May 19', 'Load test', 'Ben']
  for (const [index, text] of cells.entries()) {
    if (index > 0) await ann.keyboard.press('Tab')
    await ann.keyboard.type(text)
  }
  await expect(editorContent(ben).locator('table tr').nth(2).locator('td').nth(1)).toHaveText('Ben')

  // Ben, below the table: the snippet, then the chart.
  const benEditor = editorContent(ben)
  await placeCaretAtEnd(benEditor.locator(':scope > p').last())
  await insertWithSlash(ben, 'code', 'insert-code')
  await expect(benEditor.locator('code')).toHaveText('')
  await typeCode(ben, ['// Launch-day flags', 'export const maxClients = 1000', 'export const images = true'])
  await ben.getByTestId('code-language').selectOption('typescript')
  await expect(editorContent(ann).locator('code')).toHaveAttribute('data-language', 'typescript')
  // Out of the code block (Enter on two empty lines), then the chart on the new line.
  await placeCaretAtEnd(codeLine(ben, 'images'))
  for (let i = 0; i < 3; i++) await ben.keyboard.press('Enter')
  await expect(benEditor.locator(':scope > code + p')).toHaveCount(1)
  await pasteLoadTestChart(ben)
  await expect(ann.getByTestId('image-img')).toBeVisible()
  await ben.getByTestId('image-caption').fill('Load test: p95 latency by number of clients')
  await ben.getByTestId('image-alt').fill('Bar chart: p95 latency under 80 ms up to 1,000 clients')
  await expect(ann.getByTestId('image-caption')).toHaveValue('Load test: p95 latency by number of clients')
  // The chart went in between two empty lines: Ben removes the one above it, as a person would.
  const lineAbove = benEditor.locator(':scope > code + p')
  await expect(lineAbove).toHaveText('')
  await placeCaretAtEnd(lineAbove)
  await ben.keyboard.press('Backspace')
  await expect(editorContent(ann).locator(':scope > code + p')).toHaveCount(0)
  // Ben goes back to the snippet; Ann finishes the table.
  await placeCaretAtEnd(codeLine(ben, 'maxClients'))
  // Ann's caret is still after "Ben": the due date goes in the next cell.
  await ann.keyboard.press('Tab')
  await ann.keyboard.type('May 26')
  await expect(editorContent(ben).locator('table tr').nth(2).locator('td').nth(2)).toHaveText('May 26')
  const lastRow = (page: Page) => editorContent(page).locator('table tr').nth(2)
  for (const [page, otherCaretIn] of [
    [ann, codeLine(ann, 'maxClients')],
    [ben, lastRow(ben)],
  ] as const) {
    await expect(page.getByTestId('remote-caret-label')).toBeVisible()
    await expect(page.getByTestId('presence-entry')).toHaveCount(2)
    await expectAllSaved(page)
    // The clicks and the paste scrolled some pages a little: each picture starts at the title.
    await page.evaluate(() => {
      window.scrollTo(0, 0)
      for (const table of document.querySelectorAll('.tandem-table-scroll')) table.scrollLeft = 0
    })
    await showRemoteCaretLabel(page, otherCaretIn)
  }
}

/**
 * A caret's name label fades a few seconds after its person's last keystroke (remoteCaretLabels.ts)
 * and shows again while the pointer is over the caret: the pointer rests on the other person's caret,
 * which also takes it off the last toolbar button clicked (no hover highlight in the picture).
 */
async function showRemoteCaretLabel(page: Page, near: Locator): Promise<void> {
  const caret = page.getByTestId('remote-caret')
  // The other person's caret has reached this page where they put it.
  await expect
    .poll(async () => {
      const [caretBox, nearBox] = [await caret.boundingBox(), await near.boundingBox()]
      if (caretBox === null || nearBox === null) return false
      const middle = caretBox.y + caretBox.height / 2
      return middle >= nearBox.y && middle <= nearBox.y + nearBox.height
    })
    .toBe(true)
  const box = await caret.boundingBox()
  if (box === null) throw new Error('the other person’s caret is not on the screen')
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await expect(caret).toHaveAttribute('data-label-visible', 'true')
  // The label's fade-in (editor.css).
  await page.waitForTimeout(300)
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
