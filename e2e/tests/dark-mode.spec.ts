/**
 * Issue 15, item 11: dark mode follows the system setting, and a three-way toggle (system, light,
 * dark) overrides it and is remembered across reloads. Text stays readable (WCAG AA, 4.5:1).
 */
import type { Locator, Page } from '@playwright/test'
import { contrastRatio, renderedColors } from '../support/colors'
import { createDocument } from '../support/documents'
import { editorContent, openEditor } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

/** A background this dark, text this light: what "dark" means here (relative luminance). */
const DARK_BACKGROUND_MAX = 0.05
const LIGHT_TEXT_MIN = 0.3
const LIGHT_BACKGROUND_MIN = 0.8
const MIN_CONTRAST = 4.5

async function expectDark(locator: Locator): Promise<void> {
  await expect
    .poll(async () => {
      const colors = await renderedColors(locator)
      return colors.background <= DARK_BACKGROUND_MAX && colors.text >= LIGHT_TEXT_MIN
    })
    .toBe(true)
  expect(contrastRatio(await renderedColors(locator))).toBeGreaterThanOrEqual(MIN_CONTRAST)
}

async function expectLight(locator: Locator): Promise<void> {
  await expect
    .poll(async () => (await renderedColors(locator)).background)
    .toBeGreaterThanOrEqual(LIGHT_BACKGROUND_MIN)
  expect(contrastRatio(await renderedColors(locator))).toBeGreaterThanOrEqual(MIN_CONTRAST)
}

/** Clicks the theme toggle until it shows `choice` (it cycles system -> light -> dark). */
async function chooseTheme(page: Page, choice: 'system' | 'light' | 'dark'): Promise<void> {
  const toggle = page.getByTestId('theme-toggle')
  for (let click = 0; click < 3; click++) {
    if ((await toggle.getAttribute('data-choice')) === choice) break
    await toggle.click()
  }
  await expect(toggle).toHaveAttribute('data-choice', choice)
}

test('a dark system setting gives a dark home page, editor and share dialog, all readable', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl, 'Night shift')
  const ann = await newUser('Ann')
  await ann.emulateMedia({ colorScheme: 'dark' })

  await ann.goto(tandem.baseUrl)
  await expectDark(ann.locator('body'))
  await expectDark(ann.locator('.hero h1'))
  await expectDark(ann.locator('.hero p'))

  await openEditor(ann, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('Readable at night')
  await expectDark(ann.locator('body'))
  await expectDark(editorContent(ann).locator('p').first())
  await expectDark(ann.getByTestId('document-title'))
  await expectDark(ann.getByTestId('toolbar-bold'))
  await expectDark(ann.getByTestId('connection-status'))

  await ann.getByTestId('share-button').click()
  await expectDark(ann.getByTestId('share-dialog').locator('h2'))
  await expectDark(ann.getByTestId('share-dialog').locator('.muted').first())
})

test('the theme toggle overrides the system setting and is remembered after a reload', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl)
  const ann = await newUser('Ann')
  await ann.emulateMedia({ colorScheme: 'light' })
  await openEditor(ann, doc.editUrl)
  await expectLight(ann.locator('body'))

  await chooseTheme(ann, 'dark')
  await expectDark(ann.locator('body'))
  await expectDark(editorContent(ann))
  await ann.reload()
  await expect(ann.getByTestId('theme-toggle')).toHaveAttribute('data-choice', 'dark')
  await expectDark(ann.locator('body'))

  // Back to following the system: light here, dark as soon as the system turns dark.
  await chooseTheme(ann, 'system')
  await expectLight(ann.locator('body'))
  await ann.emulateMedia({ colorScheme: 'dark' })
  await expectDark(ann.locator('body'))

  // Light wins over a dark system, on the home page too.
  await chooseTheme(ann, 'light')
  await ann.goto(tandem.baseUrl)
  await expectLight(ann.locator('body'))
})
