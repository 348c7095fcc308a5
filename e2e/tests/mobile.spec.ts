/**
 * Issue 15, item 10: on a phone (390x844), offline, the header keeps to one line with Share on
 * screen, the title keeps room to be read, the status stays readable, and the toolbar is one row
 * that scrolls sideways. In a narrow desktop window (a mouse) the tools wrap instead.
 */
import { createDocument } from '../support/documents'
import { editorContent, openEditor } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

const PHONE = { width: 390, height: 844 } as const
/** One line of header: the 44 px touch targets plus padding. */
const MAX_HEADER_HEIGHT_PX = 64
/** One row of 36-44 px buttons plus padding and the scrollbar gutter. */
const MAX_TOOLBAR_HEIGHT_PX = 60
/** Room for the first word or so of "Quarterly plan", not just its first letter. */
const MIN_TITLE_WIDTH_PX = 96

test('on a phone, offline, the header is one line with Share on screen and the toolbar scrolls', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Quarterly plan')
  const ann = await newUser('Ann', { viewport: PHONE })
  await openEditor(ann, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('On the train')
  await ann.context().setOffline(true)
  const status = ann.getByTestId('connection-status')
  await expect(status).toHaveAttribute('data-status', 'offline')
  // Edits made offline wait unsaved: the save state joins the header too.
  await ann.keyboard.type(', no signal')
  await expect(ann.getByTestId('saved-status')).not.toHaveAttribute('data-unsaved', '0')

  const header = ann.locator('.document-header')
  await expect
    .poll(async () => (await header.boundingBox())?.height)
    .toBeLessThanOrEqual(MAX_HEADER_HEIGHT_PX)

  const share = await ann.getByTestId('share-button').boundingBox()
  expect(share).not.toBeNull()
  expect(share!.x).toBeGreaterThanOrEqual(0)
  expect(share!.x + share!.width).toBeLessThanOrEqual(PHONE.width)
  expect(share!.y + share!.height).toBeLessThanOrEqual(MAX_HEADER_HEIGHT_PX)

  const title = await ann.getByTestId('document-title').boundingBox()
  expect(title!.width).toBeGreaterThanOrEqual(MIN_TITLE_WIDTH_PX)

  // The status is on screen, says "offline" in so many words, and is not cut off.
  await expect(status).toBeInViewport({ ratio: 1 })
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point; innerText leaves out what is not shown.
  expect(await status.evaluate((element) => (element as HTMLElement).innerText)).toMatch(/offline/i)
  const clipped = await status.evaluate((element) =>
    [element, ...element.querySelectorAll('*')].some(
      // Text 1 px wide is for screen readers only, clipped on purpose.
      (node) =>
        node instanceof HTMLElement && node.offsetWidth > 1 && node.scrollWidth > node.clientWidth + 1,
    ),
  )
  expect(clipped).toBe(false)

  // One row of tools, the rest reachable by scrolling sideways; the page itself does not scroll sideways.
  const toolbar = ann.getByTestId('toolbar')
  expect((await toolbar.boundingBox())!.height).toBeLessThanOrEqual(MAX_TOOLBAR_HEIGHT_PX)
  const overflow = await ann.getByTestId('toolbar-tools').evaluate((element) => ({
    scrollWidth: element.scrollWidth,
    clientWidth: element.clientWidth,
    overflowX: getComputedStyle(element).overflowX,
  }))
  expect(overflow.scrollWidth).toBeGreaterThan(overflow.clientWidth)
  expect(['auto', 'scroll']).toContain(overflow.overflowX)
  const pageWidth = await ann.evaluate(() => document.documentElement.scrollWidth)
  expect(pageWidth).toBeLessThanOrEqual(PHONE.width)

  // The last tool can be scrolled into view and used.
  const lastTool = toolbar.locator('button').last()
  await lastTool.scrollIntoViewIfNeeded()
  await expect(lastTool).toBeInViewport({ ratio: 1 })

  // Back online, the header is still one line.
  await ann.context().setOffline(false)
  await expect(status).toHaveAttribute('data-status', 'connected', { timeout: 15_000 })
  expect((await header.boundingBox())!.height).toBeLessThanOrEqual(MAX_HEADER_HEIGHT_PX)
})

test('in a narrow desktop window the tools wrap onto a second row: none is cut off', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Narrow window')
  const ann = await newUser('Ann', { viewport: { width: 760, height: 600 } })
  await openEditor(ann, doc.editUrl)
  const tools = ann.getByTestId('toolbar-tools')
  const box = (await tools.boundingBox())!
  const buttons = await tools.locator('button').evaluateAll((elements) =>
    elements.map((element) => {
      const rect = element.getBoundingClientRect()
      return { left: rect.left, right: rect.right }
    }),
  )
  expect(buttons.length).toBeGreaterThan(10)
  for (const button of buttons) {
    expect(button.left).toBeGreaterThanOrEqual(box.x - 1)
    expect(button.right).toBeLessThanOrEqual(box.x + box.width + 1)
  }
  expect(box.height).toBeGreaterThan(MAX_TOOLBAR_HEIGHT_PX)
})
