/**
 * Issue 15, item 6: two people typing at one spot keep their own runs together. Each person's caret
 * stays after their own text when the other's character lands at the same place, so neither run is
 * broken up letter by letter; in the document body and in the title.
 */
import type { Page } from '@playwright/test'
import { createDocument } from '../support/documents'
import {
  editorContent,
  expectAllSaved,
  expectSameDocument,
  openEditor,
  placeCaretAtEnd,
} from '../support/editorPage'
import { expect, test } from '../support/fixtures'
import { expectSelection } from '../support/lexicalState'

const ANN_TEXT = ' [AAAA aaaa]'
const BEN_TEXT = ' {BBBB bbbb}'

/**
 * Ann and Ben type their texts one character each in turn, and each waits until the other has seen
 * the character before the next one is typed: the live race at its worst, but deterministic.
 */
async function typeInTurns(
  ann: Page,
  ben: Page,
  readText: (page: Page) => Promise<string>,
  startLength: number,
): Promise<void> {
  let typed = 0
  const expectBothHave = async (length: number) => {
    for (const page of [ann, ben]) await expect.poll(async () => (await readText(page)).length).toBe(length)
  }
  for (let i = 0; i < Math.max(ANN_TEXT.length, BEN_TEXT.length); i++) {
    for (const [page, text] of [
      [ann, ANN_TEXT],
      [ben, BEN_TEXT],
    ] as const) {
      const char = text[i]
      if (char === undefined) continue
      await page.keyboard.type(char)
      typed++
      await expectBothHave(startLength + typed)
    }
  }
}

/** Whichever run Yjs puts first, each person's text is in one piece right after the starting text. */
const keptTogether = (start: string) => [start + ANN_TEXT + BEN_TEXT, start + BEN_TEXT + ANN_TEXT]

test('typing at the end of the same line at the same time keeps each person’s text together', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Same spot')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('Start')
  const line = (page: Page) => editorContent(page).locator('p').first()
  await expect(line(ben)).toHaveText('Start')
  await placeCaretAtEnd(line(ann))
  await placeCaretAtEnd(line(ben))

  await typeInTurns(ann, ben, async (page) => (await line(page).textContent()) ?? '', 'Start'.length)
  expect(keptTogether('Start')).toContain(await line(ann).textContent())
  await expectAllSaved(ann)
  await expectAllSaved(ben)
  await expectSameDocument(ann, ben)
})

test('typing in the middle of the same line at the same time keeps each person’s text together', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Same spot, mid-line')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('Start end')
  const line = (page: Page) => editorContent(page).locator('p').first()
  await expect(line(ben)).toHaveText('Start end')
  // Both carets right after "Start".
  for (const page of [ann, ben]) {
    await placeCaretAtEnd(line(page))
    for (let i = 0; i < ' end'.length; i++) await page.keyboard.press('ArrowLeft')
    await expectSelection(page, 'Start'.length)
  }

  await typeInTurns(ann, ben, async (page) => (await line(page).textContent()) ?? '', 'Start end'.length)
  const text = await line(ann).textContent()
  expect(keptTogether('Start').map((start) => `${start} end`)).toContain(text)
  await expectSameDocument(ann, ben)
})

test('typing at the same spot of the title at the same time keeps each person’s text together', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Plan')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  const title = (page: Page) => page.getByTestId('document-title')
  for (const page of [ann, ben]) {
    await expect(title(page)).toHaveValue('Plan')
    await title(page).click()
    await page.keyboard.press('End')
  }

  await typeInTurns(ann, ben, (page) => title(page).inputValue(), 'Plan'.length)
  expect(keptTogether('Plan')).toContain(await title(ann).inputValue())
  await expect(title(ben)).toHaveValue(await title(ann).inputValue())
})

test('typing at one spot at the same moment, without waiting for each other, keeps each person’s text together', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Plan')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('Start')
  const line = (page: Page) => editorContent(page).locator('p').first()
  const title = (page: Page) => page.getByTestId('document-title')
  await expect(line(ben)).toHaveText('Start')

  // Both type at a person's pace (a key every 40 ms), at once, in the body and then in the title.
  await placeCaretAtEnd(line(ann))
  await placeCaretAtEnd(line(ben))
  await Promise.all([ann.keyboard.type(ANN_TEXT, { delay: 40 }), ben.keyboard.type(BEN_TEXT, { delay: 40 })])
  const bodyText = await expectSameDocument(ann, ben).then(() => line(ann).textContent())
  expect(keptTogether('Start')).toContain(bodyText)

  for (const page of [ann, ben]) {
    await expect(title(page)).toHaveValue('Plan')
    await title(page).click()
    await page.keyboard.press('End')
  }
  await Promise.all([ann.keyboard.type(ANN_TEXT, { delay: 40 }), ben.keyboard.type(BEN_TEXT, { delay: 40 })])
  await expect
    .poll(async () => (await title(ben).inputValue()) === (await title(ann).inputValue()))
    .toBe(true)
  expect(keptTogether('Plan')).toContain(await title(ann).inputValue())
  await expectAllSaved(ann)
  await expectAllSaved(ben)
})
