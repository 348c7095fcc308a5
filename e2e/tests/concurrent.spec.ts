/**
 * Issue 23: concurrent edits never lose text. B, offline, deletes a paragraph's text and retypes it
 * while A inserts into it; whichever change reaches the server first, both survive and A, B, a fresh
 * page and the server's document agree. The headless twin is client/src/collab/bindingScenarios.test.ts.
 */
import type { Page } from '@playwright/test'
import { expectConverged, type Replica } from '../support/convergence'
import { createDocument } from '../support/documents'
import {
  editorContent,
  expectAllSaved,
  expectSynced,
  openEditor,
  placeCaretAtEnd,
} from '../support/editorPage'
import { expect, type NewUser, test } from '../support/fixtures'
import { expectSelection } from '../support/lexicalState'

/** Where A inserts "123" into "abc", as a caret offset. */
const INSERT_AT = { start: 0, middle: 1, end: 3 } as const

const paragraph = (page: Page) => editorContent(page).locator('p').first()

async function caretAtEndOfAbc(page: Page): Promise<void> {
  await placeCaretAtEnd(paragraph(page))
  await expectSelection(page, 3)
}

/** How B removes "abc" and types "456": each the way a person would, one keystroke at a time. */
const DELETIONS: Record<string, (page: Page) => Promise<void>> = {
  'Backspace x3': async (page) => {
    await caretAtEndOfAbc(page)
    for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace')
    await page.keyboard.type('456')
  },
  'Delete x3 from the start': async (page) => {
    await caretAtEndOfAbc(page)
    await page.keyboard.press('Home')
    await expectSelection(page, 0)
    for (let i = 0; i < 3; i++) await page.keyboard.press('Delete')
    await page.keyboard.type('456')
  },
  'Shift+Home + Backspace': async (page) => {
    await caretAtEndOfAbc(page)
    await page.keyboard.press('Shift+Home')
    await expectSelection(page, 3, 0)
    await page.keyboard.press('Backspace')
    await page.keyboard.type('456')
  },
  'Shift+Home + type over': async (page) => {
    await caretAtEndOfAbc(page)
    await page.keyboard.press('Shift+Home')
    await expectSelection(page, 3, 0)
    await page.keyboard.type('456')
  },
}

async function goOffline(page: Page): Promise<void> {
  await page.context().setOffline(true)
  // The app drops its socket on the browser's offline event; edits from now on stay local.
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'offline')
}

/** Back online: the app reconnects on the online event, re-sends its edits and the server stores them. */
async function comeBackOnline(page: Page): Promise<void> {
  await page.context().setOffline(false)
  await expectSynced(page)
  await expectAllSaved(page)
}

/** Ann and Ben on a new document; `text` typed by Ann, shown to Ben and stored. */
async function twoPeopleOn(newUser: NewUser, editUrl: string) {
  const [ann, ben] = await Promise.all([newUser('Ann'), newUser('Ben')])
  await Promise.all([openEditor(ann, editUrl), openEditor(ben, editUrl)])
  return { ann, ben }
}

/** Opens the document in a new context, which knows nothing but what the server sends. */
async function freshPage(newUser: NewUser, editUrl: string): Promise<Page> {
  const page = await newUser('Fay')
  await openEditor(page, editUrl)
  return page
}

/** Waits until A, B, a freshly opened page and the server's document agree; returns the pages and the document. */
async function expectAllAgree(
  newUser: NewUser,
  { ann, ben }: { ann: Page; ben: Page },
  target: { editUrl: string; wsUrl: string; room: string },
) {
  const fresh = await freshPage(newUser, target.editUrl)
  const replicas: Replica[] = [
    { name: 'A', page: ann },
    { name: 'B', page: ben },
    { name: 'a fresh page', page: fresh },
  ]
  const agreed = await expectConverged(replicas, target.wsUrl, target.room)
  return { agreed, pages: replicas.map((replica) => replica.page) }
}

for (const [deletion, deleteAndRetype] of Object.entries(DELETIONS)) {
  for (const [where, offset] of Object.entries(INSERT_AT)) {
    for (const first of ['A', 'B'] as const) {
      test(`${deletion} by offline B; A inserts at the ${where}; ${first} reaches the server first`, async ({
        tandem,
        newUser,
      }) => {
        const doc = await createDocument(tandem.baseUrl, 'Concurrent')
        const { ann, ben } = await twoPeopleOn(newUser, doc.editUrl)
        await editorContent(ann).click()
        await ann.keyboard.type('abc')
        await expect(paragraph(ben)).toHaveText('abc')
        await expectAllSaved(ann)

        await goOffline(ben)
        // For B's change to be stored first, A's must wait on A's machine until B's is in.
        if (first === 'B') await goOffline(ann)

        await caretAtEndOfAbc(ann)
        for (let i = offset; i < 3; i++) await ann.keyboard.press('ArrowLeft')
        await expectSelection(ann, offset)
        await ann.keyboard.type('123')
        await expect(paragraph(ann)).toHaveText(`${'abc'.slice(0, offset)}123${'abc'.slice(offset)}`)

        await deleteAndRetype(ben)
        await expect(editorContent(ben)).toHaveText('456')

        if (first === 'A') {
          await expectAllSaved(ann)
          await comeBackOnline(ben)
        } else {
          await comeBackOnline(ben)
          await comeBackOnline(ann)
        }

        const { agreed } = await expectAllAgree(
          newUser,
          { ann, ben },
          { editUrl: doc.editUrl, wsUrl: tandem.wsUrl, room: doc.id },
        )
        expect(agreed.text).toContain('123')
        expect(agreed.text).toContain('456')
        expect(agreed.text).not.toMatch(/[abc]/)
      })
    }
  }
}

test('B merges two lists offline while A types into the second: A’s text survives', async ({
  tandem,
  newUser,
}) => {
  // A merge moves the second list's items into new Yjs elements, deleting the old ones with A's '2'
  // in them; ConcurrentTextRescue (client) puts it back on A's side.
  const doc = await createDocument(tandem.baseUrl, 'List merge')
  const { ann, ben } = await twoPeopleOn(newUser, doc.editUrl)
  // The lists come from the toolbar, not the "- " shortcut: the shortcut leaves Markdown state
  // (mdListMarker) that differs between the author's editor and the others (a divergence of its own,
  // which randomEditing.spec.ts finds), and this test is about the merge alone.
  await editorContent(ann).click()
  await ann.keyboard.type('one')
  await ann.getByTestId('toolbar-bullet').click()
  await expect(editorContent(ann).locator('ul > li')).toHaveText(['one'])
  await ann.keyboard.press('Enter')
  // Enter in an empty list item leaves the list.
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('x')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('three')
  await ann.getByTestId('toolbar-bullet').click()
  const structure = ['ul', 'p', 'ul']
  for (const page of [ann, ben]) {
    await expect(editorContent(page).locator(':scope > *')).toHaveText(['one', 'x', 'three'])
    expect(await editorContent(page).evaluate((e) => [...e.children].map((c) => c.localName))).toEqual(
      structure,
    )
  }
  await expectAllSaved(ann)

  await goOffline(ben)
  // B: select the paragraph's text, delete it, then Backspace the empty paragraph: the lists merge.
  await placeCaretAtEnd(editorContent(ben).locator('p'))
  await expectSelection(ben, 1)
  await ben.keyboard.press('Shift+Home')
  await expectSelection(ben, 1, 0)
  await ben.keyboard.press('Backspace')
  await expect(editorContent(ben).locator('p')).toHaveText('')
  await ben.keyboard.press('Backspace')
  await expect(editorContent(ben).locator(':scope > *')).toHaveCount(1)
  await expect(editorContent(ben).locator('ul > li')).toHaveText(['one', 'three'])

  // A, online: "2" at the start of "three".
  const three = editorContent(ann).locator('ul > li', { hasText: 'three' })
  await placeCaretAtEnd(three)
  await ann.keyboard.press('Home')
  await expectSelection(ann, 0)
  await ann.keyboard.type('2')
  await expect(three).toHaveText('2three')
  await expectAllSaved(ann)

  await comeBackOnline(ben)
  const { agreed, pages } = await expectAllAgree(
    newUser,
    { ann, ben },
    { editUrl: doc.editUrl, wsUrl: tandem.wsUrl, room: doc.id },
  )
  expect(agreed.text).toBe('one\n2three')
  for (const page of pages) {
    await expect(editorContent(page).locator('ul > li')).toHaveText(['one', '2three'])
  }
})

test('A and B, both offline, type into the same empty paragraph: each text once', async ({
  tandem,
  newUser,
}) => {
  // Each creates the paragraph's first Yjs text; the binding used to copy the second into the first
  // on every page that received it ("alphabetabeta").
  const doc = await createDocument(tandem.baseUrl, 'Empty paragraph')
  const { ann, ben } = await twoPeopleOn(newUser, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('x')
  await ann.keyboard.press('Enter')
  await expect(editorContent(ben).locator('p')).toHaveCount(2)
  await expectAllSaved(ann)

  await goOffline(ann)
  await goOffline(ben)
  await placeCaretAtEnd(editorContent(ben).locator('p').last())
  for (const [page, word] of [
    [ann, 'alpha'],
    [ben, 'beta'],
  ] as const) {
    await page.keyboard.type(word)
    await expect(editorContent(page).locator('p').last()).toHaveText(word)
  }
  await comeBackOnline(ann)
  await comeBackOnline(ben)

  const { agreed } = await expectAllAgree(
    newUser,
    { ann, ben },
    { editUrl: doc.editUrl, wsUrl: tandem.wsUrl, room: doc.id },
  )
  expect(agreed.text.match(/alpha/g)).toHaveLength(1)
  expect(agreed.text.match(/beta/g)).toHaveLength(1)
})
