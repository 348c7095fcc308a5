/**
 * Comments in Chromium, two or three people in separate browser contexts on one server: a thread
 * made, replied to and resolved live; its anchor following edits inside and around its text and
 * detaching when the text is deleted; a commenter (read-only text) commenting; threads surviving a
 * server restart. The server refusing a commenter's forged text is server/test/comments.test.ts.
 */
import type { Page } from '@playwright/test'
import { createDocument, createShareLink } from '../support/documents'
import { editorContent, expectSynced, openEditor, placeCaretAtEnd } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

/** Selects the first occurrence of `text` in the editor (within one text node), as a drag would. */
async function selectText(page: Page, text: string): Promise<void> {
  await editorContent(page).evaluate((root, wanted) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const at = node.textContent?.indexOf(wanted) ?? -1
      if (at === -1) continue
      const range = document.createRange()
      range.setStart(node, at)
      range.setEnd(node, at + wanted.length)
      const selection = window.getSelection()!
      selection.removeAllRanges()
      selection.addRange(range)
      return
    }
    throw new Error(`"${wanted}" is not in the editor`)
  }, text)
  await expect.poll(() => page.evaluate(() => window.getSelection()?.toString())).toBe(text)
}

/** The text each comment highlight covers on `page` (CSS Custom Highlight API), sorted. */
function highlightedTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const highlight = CSS.highlights.get('tandem-comment')
    return highlight ? [...highlight].map((range) => (range as Range).toString()).sort() : []
  })
}

const threads = (page: Page) => page.getByTestId('comment-thread')

/** Downloads the document as Markdown from the document menu; resolves with the file's text. */
async function downloadMarkdown(page: Page): Promise<string> {
  await page.getByTestId('document-menu-button').click()
  const downloaded = page.waitForEvent('download')
  await page.getByTestId('export-markdown').click()
  const stream = await (await downloaded).createReadStream()
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

test('A comments, B replies, A resolves, live; the anchor follows B’s edits and detaches when its text goes', async ({
  newUser,
  tandem,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Review')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.insertText('The quick brown fox jumps.')
  await expect(editorContent(ben)).toHaveText('The quick brown fox jumps.')

  await selectText(ann, 'quick brown')
  await ann.keyboard.press('Control+Alt+KeyM')
  await ann.getByTestId('comment-new').fill('Is it really quick, @Ben?')
  await ann.getByTestId('comment-new-submit').click()

  // Ben sees the thread and its highlight at once, with the mention marked.
  await expect(threads(ben)).toHaveCount(1)
  await expect(threads(ben).getByTestId('comment-quote')).toHaveText('quick brown')
  await expect(threads(ben).getByTestId('comment-mention')).toHaveText('@Ben')
  await expect.poll(() => highlightedTexts(ben)).toEqual(['quick brown'])
  await threads(ben).click()
  await ben.getByTestId('comment-reply').fill('Quick enough.')
  await ben.getByTestId('comment-reply-submit').click()
  await expect(threads(ann).getByTestId('comment-body')).toHaveText([
    'Is it really quick, @Ben?',
    'Quick enough.',
  ])
  await expect(threads(ann).getByTestId('comment-author')).toHaveText(['Ann', 'Ben'])

  // Ben types inside the range (it grows), then before it and right after it (it does not).
  const paragraph = editorContent(ben).locator('p').first()
  await selectText(ben, ' brown')
  await ben.keyboard.press('ArrowLeft')
  await ben.keyboard.type(' very')
  await placeCaretAtEnd(paragraph)
  await ben.keyboard.press('Home')
  await ben.keyboard.type('Oh, ')
  await selectText(ben, ' fox')
  await ben.keyboard.press('ArrowLeft')
  await ben.keyboard.type('ish')
  await expect(editorContent(ann)).toHaveText('Oh, The quick very brownish fox jumps.')
  await expect.poll(() => highlightedTexts(ann)).toEqual(['quick very brown'])
  await expect.poll(() => highlightedTexts(ben)).toEqual(['quick very brown'])

  // Ann resolves: it leaves both panels (resolved threads show on request).
  await threads(ann).getByTestId('comment-resolve').click()
  await expect(threads(ben)).toHaveCount(0)
  await expect.poll(() => highlightedTexts(ben)).toEqual([])
  await ben.getByTestId('comments-show-resolved').check()
  await expect(threads(ben)).toHaveCount(1)
  await expect(threads(ben)).toHaveAttribute('data-resolved', 'true')

  // Ben deletes the commented text entirely: the thread stays, detached, with its quote.
  await selectText(ben, 'quick very brownish')
  await ben.keyboard.press('Backspace')
  await expect(editorContent(ann)).toHaveText('Oh, The  fox jumps.')
  await expect(threads(ben).getByTestId('comment-detached')).toBeVisible()
  await ann.getByTestId('comments-show-resolved').check()
  await expect(threads(ann).getByTestId('comment-detached')).toBeVisible()
  await expect(threads(ann).getByTestId('comment-quote')).toHaveText('quick brown')
})

test('a commenter comments on read-only text; threads survive a server restart', async ({
  newUser,
  startServer,
}) => {
  const server = await startServer()
  const doc = await createDocument(server.baseUrl, 'Commented')
  const commentLink = await createShareLink(server.baseUrl, doc, 'commenter')
  const ann = await newUser('Ann')
  const cleo = await newUser('Cleo')
  await openEditor(ann, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.insertText('Numbers go up.')
  await openEditor(cleo, commentLink.url)
  await expect(cleo.getByTestId('view-only-badge')).toHaveText('Can comment')
  await expect(editorContent(cleo)).toHaveAttribute('contenteditable', 'false')
  await expect(editorContent(cleo)).toHaveText('Numbers go up.')

  await selectText(cleo, 'go up')
  await cleo.getByTestId('comments-add').click()
  await cleo.getByTestId('comment-new').fill('Source?')
  await cleo.getByTestId('comment-new-submit').click()
  await expect(threads(ann).getByTestId('comment-author')).toHaveText('Cleo')
  await expect.poll(() => highlightedTexts(ann)).toEqual(['go up'])

  await server.stop()
  await server.start()
  await ann.reload()
  await expectSynced(ann)
  await expect(threads(ann).getByTestId('comment-body')).toHaveText('Source?')
  await expect.poll(() => highlightedTexts(ann)).toEqual(['go up'])
  // Cleo's page reconnects on its own and can still reply to her thread.
  await expectSynced(cleo, 20_000)
  await threads(cleo).click()
  await cleo.getByTestId('comment-reply').fill('Found it.')
  await cleo.getByTestId('comment-reply-submit').click()
  await expect(threads(ann).getByTestId('comment-body')).toHaveText(['Source?', 'Found it.'])
  // The download carries the threads as an appendix.
  const markdown = await downloadMarkdown(ann)
  expect(markdown).toMatch(/Numbers go up\.\n+## Comments\n\n1\. > go up\n/)
  // A share-link guest's typed name carries the tag from their id (Markdown specials escaped).
  expect(markdown).toMatch(/- \*\*Cleo \(guest · (?:\\?[A-Za-z0-9_-]){4}\)\*\* \([-0-9: ]+\): Found it\./)
})

/** Each thread card beside the paper (top, bottom) and its highlighted text's top, in text order. */
function pinnedCards(page: Page): Promise<{ quote: string; top: number; bottom: number; text: number }[]> {
  return page.evaluate(() => {
    const highlight = CSS.highlights.get('tandem-comment')
    const ranges = highlight ? ([...highlight] as Range[]) : []
    return [...document.querySelectorAll<HTMLElement>('.comment-pin[data-thread-id]')]
      .filter((pin) => pin.dataset.threadId !== 'draft')
      .map((pin) => {
        const quote = pin.querySelector('[data-testid="comment-quote"]')?.textContent ?? ''
        const range = ranges.find((r) => r.toString() === quote)
        const card = pin.getBoundingClientRect()
        return {
          quote,
          top: Math.round(card.top),
          bottom: Math.round(card.bottom),
          text: range ? Math.round(range.getBoundingClientRect().top) : Number.NaN,
        }
      })
      .sort((a, b) => a.text - b.text)
  })
}

/** Space between cards (pinThreadCards' CARD_GAP_PX) and how far off a pixel-rounded top may be. */
const CARD_GAP = 10
const SLACK = 3

test('beside the paper each thread sits level with its line, the active one at its text; a list in the sheet', async ({
  newUser,
  tandem,
}, testInfo) => {
  const doc = await createDocument(tandem.baseUrl, 'Pinned')
  const ann = await newUser('Ann', { viewport: { width: 1280, height: 900 } })
  await openEditor(ann, doc.editUrl)
  await editorContent(ann).click()
  const filler = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => `Filler paragraph ${from + i} about nothing in particular.`)
  // Two commented lines next to each other with room above them, and one further down.
  const lines = [
    'Quarterly plan for the reading group.',
    ...filler(1, 6),
    'We meet on Thursdays at six.',
    'Snacks rotate between members.',
    ...filler(7, 8),
    'Budget: forty euros per quarter.',
    'Next review in March.',
  ]
  for (const [i, line] of lines.entries()) {
    if (i > 0) await ann.keyboard.press('Enter')
    await ann.keyboard.insertText(line)
  }
  const comment = async (text: string, body: string) => {
    await selectText(ann, text)
    await ann.keyboard.press('Control+Alt+KeyM')
    await ann.getByTestId('comment-new').fill(body)
    await ann.getByTestId('comment-new-submit').click()
    await expect(threads(ann).filter({ hasText: body })).toHaveCount(1)
  }
  await comment('Thursdays at six', 'Could we do Wednesdays instead? Thursdays clash with choir.')
  await comment('Snacks rotate', 'Who keeps the list?')
  await comment('forty euros', 'Is that per person?')

  // Afresh (no thread active): each card level with its line, or, when the card above reaches
  // further down, just below that card: never over it, never a plain list from the top.
  await ann.reload()
  await expectSynced(ann)
  await expect(threads(ann)).toHaveCount(3)
  await expect
    .poll(async () => {
      const cards = await pinnedCards(ann)
      return cards.map((card, i) => {
        const wanted = i === 0 ? card.text : Math.max(card.text, cards[i - 1]!.bottom + CARD_GAP)
        return [card.quote, Math.abs(card.top - wanted) <= SLACK]
      })
    })
    .toEqual([
      ['Thursdays at six', true],
      ['Snacks rotate', true],
      ['forty euros', true],
    ])
  const [first, second] = await pinnedCards(ann)
  expect(Math.abs(first!.top - first!.text), 'the first card is level with its line').toBeLessThanOrEqual(
    SLACK,
  )
  expect(second!.top, 'the second is pushed below the first').toBeGreaterThan(second!.text + SLACK)
  await ann.screenshot({ path: testInfo.outputPath('pinned-1280-light.png'), fullPage: true })

  // The pushed thread made active: it moves level with its text, the one above moves up, the one
  // below stays clear of it.
  await threads(ann).filter({ hasText: 'Who keeps the list?' }).click()
  await expect
    .poll(async () => {
      const [above, active, below] = await pinnedCards(ann)
      return [
        Math.abs(active!.top - active!.text) <= SLACK,
        above!.bottom + CARD_GAP <= active!.top + SLACK,
        below!.top >= active!.bottom + CARD_GAP - SLACK,
      ]
    })
    .toEqual([true, true, true])
  await ann.emulateMedia({ colorScheme: 'dark' })
  await ann.screenshot({ path: testInfo.outputPath('pinned-1280-dark.png'), fullPage: true })

  // A phone: a bottom sheet listing the threads in the order of their text.
  await ann.emulateMedia({ colorScheme: 'light' })
  await ann.setViewportSize({ width: 390, height: 844 })
  const panel = ann.getByTestId('comments-panel')
  if ((await panel.getAttribute('data-open')) !== 'true') await ann.getByTestId('comments-toggle').click()
  await expect(threads(ann).getByTestId('comment-quote')).toHaveText([
    'Thursdays at six',
    'Snacks rotate',
    'forty euros',
  ])
  await expect(ann.locator('.comments-body')).toHaveAttribute('data-pinned', 'false')
  await ann.screenshot({ path: testInfo.outputPath('pinned-390-sheet.png') })
})

/** Makes `page`'s clock run `offsetMs` ahead from its next load on; `setClockOffset` changes it. */
async function skewClock(page: Page, offsetMs: number): Promise<void> {
  await page.addInitScript((initial) => {
    const realNow = Date.now.bind(Date)
    const skewed = window as unknown as { __clockOffsetMs: number }
    skewed.__clockOffsetMs = initial
    Date.now = () => realNow() + skewed.__clockOffsetMs
  }, offsetMs)
}

function setClockOffset(page: Page, offsetMs: number): Promise<void> {
  return page.evaluate((offset) => {
    ;(window as unknown as { __clockOffsetMs: number }).__clockOffsetMs = offset
  }, offsetMs)
}

test('a clock ten minutes fast comments as usual; a change the server refuses is dropped, never resent', async ({
  newUser,
  tandem,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Clocks')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await skewClock(ann, 10 * 60_000)
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.insertText('Clocks drift.')
  await expect(editorContent(ben)).toHaveText('Clocks drift.')
  await selectText(ann, 'drift')
  await ann.keyboard.press('Control+Alt+KeyM')
  await ann.getByTestId('comment-new').fill('Ten minutes fast')
  await ann.getByTestId('comment-new-submit').click()
  await expect(threads(ben).getByTestId('comment-body')).toHaveText('Ten minutes fast')

  // Two days fast is past what the server takes (4400): Ann's copy drops the reply and resyncs.
  await setClockOffset(ann, 2 * 86_400_000)
  await threads(ann).click()
  await ann.getByTestId('comment-reply').fill('From the future')
  await ann.getByTestId('comment-reply-submit').click()
  // A list, so the check waits while the refused reply still shows (one string fails at once, in
  // strict mode, if it runs before the server's answer).
  await expect(threads(ann).getByTestId('comment-body')).toHaveText(['Ten minutes fast'])
  await setClockOffset(ann, 10 * 60_000)
  await threads(ann).click()
  await ann.getByTestId('comment-reply').fill('Back in time')
  await ann.getByTestId('comment-reply-submit').click()
  await expect(threads(ben).getByTestId('comment-body')).toHaveText(['Ten minutes fast', 'Back in time'])
  await expect(ann.getByRole('alert')).toHaveCount(0)
  // Nothing refused is left in Ann's browser to resend.
  await ann.reload()
  await expectSynced(ann)
  await expect(threads(ann).getByTestId('comment-body')).toHaveText(['Ten minutes fast', 'Back in time'])
  await expect(threads(ben).getByTestId('comment-body')).toHaveText(['Ten minutes fast', 'Back in time'])
})
