/**
 * Issue 15, item 7 (and the screen-reader half of item 8): everyone in a room wears a distinct
 * colour; a remote caret's name shows on activity or hover, then fades; carets are hidden from
 * screen readers, and arrivals and departures are announced politely.
 */
import type { Page } from '@playwright/test'
import { createDocument } from '../support/documents'
import { editorContent, openEditor } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

/** localStorage key of the browser's user id (client/src/identity/identity.ts). */
const USER_ID_STORAGE_KEY = 'tandem.userId'
/**
 * User ids whose derived colour (`colorForUser`: a string hash modulo the 12-colour palette) is the
 * same, the first palette colour: three people who would all have worn red.
 */
const COLLIDING_USER_IDS = ['e2e-user-9', 'e2e-user-10', 'e2e-user-25'] as const

/** Makes this page's browser use `userId` (before the app reads it). */
async function useUserId(page: Page, userId: string): Promise<void> {
  const init = { key: USER_ID_STORAGE_KEY, value: userId }
  await page.context().addInitScript(({ key, value }) => localStorage.setItem(key, value), init)
}

/** Name -> avatar colour, as `page` shows the people in the document. */
function presenceColors(page: Page): Promise<Record<string, string>> {
  return page.getByTestId('presence-entry').evaluateAll((entries) =>
    Object.fromEntries(
      entries
        .map((entry) => [
          entry.getAttribute('data-name') ?? '',
          getComputedStyle(entry.querySelector('.tandem-avatar')!).backgroundColor,
        ])
        // Each page lists its own person first: compare in name order.
        .sort(([a], [b]) => a!.localeCompare(b!)),
    ),
  )
}

test('three people whose ids prefer the same colour get three distinct colours, the same on every page', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Colours')
  const names = ['Ann', 'Ben', 'Cy'] as const
  const pages: Page[] = []
  for (const [index, name] of names.entries()) {
    const page = await newUser(name)
    await useUserId(page, COLLIDING_USER_IDS[index]!)
    await openEditor(page, doc.editUrl)
    pages.push(page)
  }
  for (const page of pages) await expect(page.getByTestId('presence-entry')).toHaveCount(3)

  // Every page agrees on who wears what, and no two people wear the same colour.
  let agreed: Record<string, string> = {}
  await expect
    .poll(async () => {
      const seen = await Promise.all(pages.map(presenceColors))
      agreed = seen[0]!
      return seen.every((colors) => JSON.stringify(colors) === JSON.stringify(agreed))
    })
    .toBe(true)
  expect(Object.keys(agreed).sort()).toEqual([...names])
  expect(new Set(Object.values(agreed)).size, JSON.stringify(agreed)).toBe(3)

  // The first to arrive keeps the colour all three preferred: nobody changes colour for a newcomer.
  const [ann, ben] = pages as [Page, Page, Page]
  const annAlone = await createDocument(tandem.baseUrl, 'Alone')
  const solo = await newUser('Solo')
  await useUserId(solo, COLLIDING_USER_IDS[0])
  await openEditor(solo, annAlone.editUrl)
  // Polled: the page lists its own person once its session is up, a moment after the editor shows.
  await expect.poll(async () => (await presenceColors(solo)).Solo).toBe(agreed.Ann)

  // Carets wear the same colour as the avatars.
  await editorContent(ann).click()
  await ann.keyboard.type('Hi')
  const caret = ben.getByTestId('remote-caret')
  await expect(caret).toHaveCount(1)
  expect(await caret.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(agreed.Ann)
})

/** The computed opacity of the remote caret's name label. */
function labelOpacity(page: Page): Promise<string> {
  return page.getByTestId('remote-caret-label').evaluate((label) => getComputedStyle(label).opacity)
}

test('a remote caret’s name shows while its person types or on hover, then fades; screen readers hear who comes and goes', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Labels')
  const ann = await newUser('Ann')
  await openEditor(ann, doc.editUrl)
  const announcer = ann.getByTestId('presence-announcer')
  await expect(announcer).toHaveAttribute('aria-live', 'polite')
  // Who is here when the list first holds still is not news; whoever comes after is.
  await expect(announcer).toHaveAttribute('data-settled', 'true')

  const ben = await newUser('Ben')
  await openEditor(ben, doc.editUrl)
  await expect(announcer).toContainText('Ben joined')

  await editorContent(ann).click()
  await ann.keyboard.type('First line')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('Second')
  await expect(editorContent(ben)).toContainText('Second')
  await expect(ben.getByTestId('remote-caret-label')).toHaveText('Ann')
  // Typing shows the label ...
  await expect.poll(() => labelOpacity(ben)).toBe('1')
  // ... which fades once Ann stops, so it no longer covers the line above.
  await expect.poll(() => labelOpacity(ben), { timeout: 10_000 }).toBe('0')

  // Hovering the caret brings it back; moving away fades it again.
  const caretBox = (await ben.getByTestId('remote-caret').boundingBox())!
  await ben.mouse.move(caretBox.x + 1, caretBox.y + caretBox.height / 2)
  await expect.poll(() => labelOpacity(ben)).toBe('1')
  await ben.mouse.move(caretBox.x + 200, caretBox.y + 200)
  await expect.poll(() => labelOpacity(ben), { timeout: 10_000 }).toBe('0')

  // Ann moving her caret is activity too.
  await ann.keyboard.press('ArrowLeft')
  await expect.poll(() => labelOpacity(ben)).toBe('1')

  // Screen readers skip the carets (the announcer says who is here instead).
  expect(
    await ben
      .getByTestId('remote-caret-label')
      .evaluate((label) => label.closest('[aria-hidden="true"]') !== null),
  ).toBe(true)

  await ben.close()
  await expect(announcer).toContainText('Ben left', { timeout: 15_000 })
})
