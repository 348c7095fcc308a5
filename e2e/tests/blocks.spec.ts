/**
 * Rich blocks with two people (issue 18): the `/` menu inserts a table, a code block, a divider and a
 * check list; both type into different cells of one table at once and change its rows and columns at
 * once; an HTML table pasted from elsewhere stays a table; the code block's language, picked by one,
 * highlights the code for both. Every page and the server's document must agree at the end.
 */
import type { Locator, Page } from '@playwright/test'
import { expectConverged } from '../support/convergence'
import { createDocument } from '../support/documents'
import { editorContent, openEditor, placeCaretAtEnd } from '../support/editorPage'
import { expect, test } from '../support/fixtures'

const menu = (page: Page) => page.getByRole('listbox', { name: 'Insert' })
const cells = (page: Page) => editorContent(page).locator('table').first().locator('th, td')
/** The cell at `row`, `column` (0-based) of the first table. */
const cell = (page: Page, row: number, column: number): Locator =>
  editorContent(page).locator('table').first().locator('tr').nth(row).locator('th, td').nth(column)

/** The test ids of the menu's options, in order. */
const optionIds = (page: Page) =>
  menu(page)
    .getByRole('option')
    .evaluateAll((options) => options.map((option) => option.getAttribute('data-testid')))

/** Opens the `/` menu at the caret, filters it with `query` and picks the highlighted entry with Enter. */
async function insertWithSlash(page: Page, query: string, expectedTestId: string): Promise<void> {
  await page.keyboard.type(`/${query}`)
  await expect(menu(page)).toBeVisible()
  await expect(menu(page).getByRole('option').first()).toHaveAttribute('data-testid', expectedTestId)
  await expect(menu(page).getByRole('option', { selected: true })).toHaveAttribute(
    'data-testid',
    expectedTestId,
  )
  await page.keyboard.press('Enter')
  await expect(menu(page)).toBeHidden()
}

/** Which code categories this page paints (CSS highlights hold ranges of its code blocks). */
function paintedCategories(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...CSS.highlights.entries()]
      .filter(([name, highlight]) => name.startsWith('tandem-code-') && highlight.size > 0)
      .map(([name]) => name.replace('tandem-code-', ''))
      .sort(),
  )
}

test('two people build a document with a table, code, a divider and a check list through the / menu', async ({
  tandem,
  newUser,
}) => {
  // Many steps, each waiting for the other person: one test instead of several saves two browser
  // contexts and a document per feature. 3.7 min on a machine at load 30 (2 cores); the deadline is
  // for such a machine, a passing run takes what it takes.
  test.setTimeout(300_000)
  const doc = await createDocument(tandem.baseUrl, 'Blocks')
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  await openEditor(ben, doc.editUrl)
  const annEditor = editorContent(ann)
  const benEditor = editorContent(ben)

  // The menu: a listbox the editor points at, filtered as Ann types, arrows move, Escape closes and
  // leaves what she typed.
  await annEditor.click()
  await ann.keyboard.type('Launch plan')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('/')
  await expect(menu(ann)).toBeVisible()
  await expect(annEditor).toHaveAttribute('aria-controls', 'typeahead-menu')
  expect(await menu(ann).getByRole('option').count()).toBeGreaterThan(10)
  await ann.keyboard.type('he')
  await expect.poll(() => optionIds(ann)).toEqual(['insert-h1', 'insert-h2', 'insert-h3'])
  await ann.keyboard.press('ArrowDown')
  await expect(menu(ann).getByRole('option', { selected: true })).toHaveAccessibleName('Heading 2')
  await expect(annEditor).toHaveAttribute('aria-activedescendant', 'typeahead-item-1')
  await ann.keyboard.press('Escape')
  await expect(menu(ann)).toBeHidden()
  await expect(annEditor.locator('p').last()).toHaveText('/he')
  for (let i = 0; i < 3; i++) await ann.keyboard.press('Backspace')
  await expect(annEditor.locator('p').last()).toHaveText('')

  // A table from the menu: three by three, a header row, for both.
  await insertWithSlash(ann, 'table', 'insert-table')
  await expect(cells(ann)).toHaveCount(9)
  await expect(cells(ben)).toHaveCount(9)
  await expect(benEditor.locator('table tr').first().locator('th')).toHaveCount(3)
  // Tab walks the cells.
  await cell(ann, 0, 0).click()
  await ann.keyboard.type('Task')
  await ann.keyboard.press('Tab')
  await ann.keyboard.type('Owner')
  await expect(cell(ben, 0, 1)).toHaveText('Owner')

  // Both type into different cells at the same time, then change rows and columns at the same time.
  await cell(ann, 1, 0).click()
  await cell(ben, 2, 1).click()
  await Promise.all([ann.keyboard.type('Write the spec'), ben.keyboard.type('Ben and Ann')])
  await Promise.all([
    ann.getByTestId('table-row-below').click(),
    ben.getByTestId('table-column-right').click(),
  ])
  await expect(cells(ann)).toHaveCount(16)
  await expect(cells(ben)).toHaveCount(16)
  await cell(ben, 2, 0).click()
  await ben.getByTestId('table-delete-row').click()
  await expect(cells(ann)).toHaveCount(12)
  await expectConverged(
    [
      { name: 'Ann', page: ann },
      { name: 'Ben', page: ben },
    ],
    tandem.wsUrl,
    doc.id,
  )
  await expect(cell(ann, 1, 0)).toHaveText('Write the spec')
  await expect(annEditor.locator('table')).toContainText('Ben and Ann')

  // A code block from the menu after the table; Ben picks its language, Ann's code is highlighted for both.
  await placeCaretAtEnd(annEditor.locator('p').last())
  await insertWithSlash(ann, 'code', 'insert-code')
  await ann.keyboard.type('def ship(day):')
  await ann.keyboard.press('Shift+Enter')
  await ann.keyboard.type('    return "launch" + str(day)  # soon')
  await expect(benEditor.locator('code')).toContainText('return "launch"')
  await placeCaretAtEnd(benEditor.locator('code'))
  await ben.getByTestId('code-language').selectOption('python')
  await expect(annEditor.locator('code')).toHaveAttribute('data-language', 'python')
  await expect(ann.getByTestId('code-language')).toHaveValue('python')
  for (const page of [ann, ben]) {
    await expect
      .poll(() => paintedCategories(page))
      .toEqual(expect.arrayContaining(['comment', 'keyword', 'string']))
  }
  // `/` inside code is code, not the menu.
  await placeCaretAtEnd(annEditor.locator('code'))
  await ann.keyboard.type(' /x')
  await expect(menu(ann)).toBeHidden()

  // A divider and a check list from the menu, on a new line after the code block.
  await ann.keyboard.press('Enter')
  await ann.keyboard.press('Enter')
  await ann.keyboard.press('Enter')
  await insertWithSlash(ann, 'divider', 'insert-divider')
  await expect(benEditor.locator('hr')).toHaveCount(1)
  await placeCaretAtEnd(annEditor.locator('p').last())
  await insertWithSlash(ann, 'todo', 'insert-check')
  await ann.keyboard.type('Book the room')
  await expect(benEditor.locator('ul li[role=checkbox]')).toHaveText('Book the room')

  // A table pasted from a web page stays a table (it was flattened into paragraphs before).
  await ben.keyboard.press('Control+End')
  await placeCaretAtEnd(benEditor.locator('li').last())
  await ben.keyboard.press('Enter')
  await ben.keyboard.press('Enter')
  await ben.evaluate(() => {
    const data = new DataTransfer()
    data.setData(
      'text/html',
      '<table><thead><tr><th>Region</th><th>Sales</th></tr></thead><tbody><tr><td>North</td><td><b>12</b></td></tr></tbody></table>',
    )
    data.setData('text/plain', 'Region\tSales\nNorth\t12')
    const target = document.querySelector('[data-testid=editor-content]')
    target?.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    )
  })
  const pasted = annEditor.locator('table').nth(1)
  await expect(pasted.locator('tr')).toHaveCount(2)
  await expect(pasted.locator('th, td')).toHaveText(['Region', 'Sales', 'North', '12'])

  const agreed = await expectConverged(
    [
      { name: 'Ann', page: ann },
      { name: 'Ben', page: ben },
    ],
    tandem.wsUrl,
    doc.id,
  )
  expect(agreed.text).toContain('Book the room')
  expect(agreed.text).toContain('Region')
})

test('the / menu follows the arrow keys when it opens under a resting pointer', async ({
  tandem,
  newUser,
}) => {
  // In a narrow window the menu opens where the click that placed the caret left the pointer: the
  // item under it took the highlight back after every arrow key (Chromium sends mouse events to a
  // resting pointer after layout). Only a pointer that moves may take it.
  const doc = await createDocument(tandem.baseUrl, 'Narrow')
  const ann = await newUser('Ann', { viewport: { width: 560, height: 760 } })
  await openEditor(ann, doc.editUrl)
  await editorContent(ann).click()
  await ann.keyboard.type('Launch plan')
  await ann.keyboard.press('Enter')
  await ann.keyboard.type('/he')
  await expect.poll(() => optionIds(ann)).toEqual(['insert-h1', 'insert-h2', 'insert-h3'])
  const selected = menu(ann).getByRole('option', { selected: true })
  await expect(selected).toHaveAccessibleName('Heading 1')
  await ann.keyboard.press('ArrowDown')
  await expect(selected).toHaveAccessibleName('Heading 2')
  await ann.keyboard.press('ArrowDown')
  await expect(selected).toHaveAccessibleName('Heading 3')
  await ann.keyboard.press('ArrowUp')
  await ann.keyboard.press('ArrowUp')
  await expect(selected).toHaveAccessibleName('Heading 1')
  // A pointer that moves onto an item still highlights it.
  const h2 = menu(ann).getByTestId('insert-h2')
  const box = await h2.boundingBox()
  if (box === null) throw new Error('Heading 2 has no box')
  await ann.mouse.move(box.x + 10, box.y + box.height / 2, { steps: 3 })
  await expect(selected).toHaveAccessibleName('Heading 2')
})
