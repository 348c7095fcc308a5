/**
 * Random editing as a person does it, through the keyboard, the toolbar and the clipboard: each
 * action is drawn from a seeded random source and describes itself for the replay log. Actions do
 * not wait for the document to settle: people type while remote changes arrive.
 */
import type { Page } from '@playwright/test'
import { editorContent } from './editorPage'
import type { Random } from './seededRandom'

export interface EditingAction {
  /** What the action does, e.g. `type "kq3 "`, for the log that replays a failure. */
  readonly description: string
  run(page: Page): Promise<void>
}

/** How often each kind of action is drawn, relative to the others. */
const WEIGHTS = {
  type: 24,
  enter: 6,
  backspace: 8,
  delete: 4,
  arrow: 8,
  select: 8,
  click: 5,
  bold: 3,
  italic: 3,
  blockButton: 4,
  markdownBlock: 3,
  undo: 4,
  redo: 2,
  paste: 3,
  insertText: 2,
} as const

export type ActionKind = keyof typeof WEIGHTS

/** Every kind of action, e.g. for validating a list of kinds to leave out. */
export const ACTION_KINDS = Object.keys(WEIGHTS) as ActionKind[]

const isActionKind = (name: string): name is ActionKind => name in WEIGHTS

/**
 * Reads a comma-separated list of action kinds (e.g. `markdownBlock,paste`): to leave a class of
 * known divergence out while triaging another, or to minimise a failing seed.
 */
export function parseActionKinds(list: string): ActionKind[] {
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
  const unknown = names.filter((name) => !isActionKind(name))
  if (unknown.length > 0) {
    throw new Error(`unknown action kinds ${unknown.join(', ')}; known: ${ACTION_KINDS.join(', ')}`)
  }
  return names.filter(isActionKind)
}

/**
 * Letters and digits only: no character that starts a Markdown shortcut (`-`, `>`, `#`, `*`, `_`,
 * `` ` ``), so only the markdownBlock action converts blocks.
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz'

/** A word starting with the person's tag, so lost text can be traced to who typed it. */
function word(random: Random, tag: string): string {
  let text = tag
  for (let i = random.int(1, 4); i > 0; i--) text += random.pick([...ALPHABET])
  return random.chance(0.5) ? `${text} ` : text
}

const BLOCK_BUTTONS = ['toolbar-bullet', 'toolbar-number', 'toolbar-quote', 'toolbar-paragraph'] as const
const MARKDOWN_PREFIXES = ['- ', '1. ', '> '] as const
const ARROWS = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'] as const
const SELECTIONS = [
  'Shift+ArrowLeft',
  'Shift+ArrowRight',
  'Shift+ArrowUp',
  'Shift+ArrowDown',
  'Shift+Home',
  'Shift+End',
] as const

const press =
  (key: string, times = 1) =>
  async (page: Page) => {
    for (let i = 0; i < times; i++) await page.keyboard.press(key)
  }

/** Clicks a toolbar button, or presses `keys` when it is disabled (a disabled button cannot be clicked). */
const toolbarOrKeys = (testId: string, keys: string) => async (page: Page) => {
  const button = page.getByTestId(testId)
  if (await button.isEnabled()) await button.click()
  else await page.keyboard.press(keys)
}

/** A paste of `text` as the browser delivers it: a ClipboardEvent whose DataTransfer holds text/plain. */
async function paste(page: Page, text: string): Promise<void> {
  await editorContent(page).evaluate((element, plain) => {
    const data = new DataTransfer()
    data.setData('text/plain', plain)
    element.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    )
  }, text)
}

/**
 * Clicks the editor's content at a point given as fractions of its size, as a person moving the
 * caret with the mouse. Remote carets do not take clicks (pointer-events: none).
 */
export async function clickAt(page: Page, point: { x: number; y: number }): Promise<void> {
  const content = editorContent(page)
  const box = await content.boundingBox()
  if (box === null) throw new Error('the editor content is not visible')
  await content.click({ position: { x: 4 + point.x * (box.width - 8), y: 4 + point.y * (box.height - 8) } })
}

/** A random point of the content, as fractions of its size. */
export const randomPoint = (random: Random) => ({ x: random.next(), y: random.next() })

/** Draws one action for the person tagged `tag`, of any kind but those in `skip`. */
export function randomEditingAction(
  random: Random,
  tag: string,
  skip: ReadonlySet<ActionKind> = new Set(),
): EditingAction {
  const weights = Object.fromEntries(
    Object.entries(WEIGHTS).filter(([kind]) => !skip.has(kind as ActionKind)),
  ) as Record<ActionKind, number>
  const kind: ActionKind = random.weighted(weights)
  switch (kind) {
    case 'type': {
      const text = word(random, tag)
      return { description: `type ${JSON.stringify(text)}`, run: (page) => page.keyboard.type(text) }
    }
    case 'enter':
      return { description: 'Enter', run: press('Enter') }
    case 'backspace': {
      const times = random.int(1, 3)
      return { description: `Backspace x${times}`, run: press('Backspace', times) }
    }
    case 'delete': {
      const times = random.int(1, 3)
      return { description: `Delete x${times}`, run: press('Delete', times) }
    }
    case 'arrow': {
      const key = random.pick(ARROWS)
      const times = random.int(1, 3)
      return { description: `${key} x${times}`, run: press(key, times) }
    }
    case 'select': {
      const keys = random.pick(SELECTIONS)
      const times = random.int(1, 4)
      return { description: `${keys} x${times}`, run: press(keys, times) }
    }
    case 'click': {
      const point = randomPoint(random)
      return { description: `click at ${describePoint(point)}`, run: (page) => clickAt(page, point) }
    }
    case 'bold':
      return { description: 'Control+B', run: press('Control+B') }
    case 'italic':
      return { description: 'Control+I', run: press('Control+I') }
    case 'blockButton': {
      const testId = random.pick(BLOCK_BUTTONS)
      return { description: `click ${testId}`, run: (page) => page.getByTestId(testId).click() }
    }
    case 'markdownBlock': {
      // Markdown shortcuts fire only at the start of a block: a new one first.
      const prefix = random.pick(MARKDOWN_PREFIXES)
      const text = word(random, tag)
      return {
        description: `Enter, type ${JSON.stringify(prefix + text)}`,
        run: async (page) => {
          await page.keyboard.press('Enter')
          await page.keyboard.type(prefix + text)
        },
      }
    }
    case 'undo':
      return random.chance(0.5)
        ? { description: 'click toolbar-undo', run: toolbarOrKeys('toolbar-undo', 'Control+Z') }
        : { description: 'Control+Z', run: press('Control+Z') }
    case 'redo':
      return random.chance(0.5)
        ? { description: 'click toolbar-redo', run: toolbarOrKeys('toolbar-redo', 'Control+Shift+Z') }
        : { description: 'Control+Shift+Z', run: press('Control+Shift+Z') }
    case 'paste': {
      const text = `${word(random, tag).trim()}\n${word(random, tag).trim()}`
      return { description: `paste ${JSON.stringify(text)}`, run: (page) => paste(page, text) }
    }
    case 'insertText': {
      // One input event for the whole text, as an IME or autocorrect delivers it.
      const text = word(random, tag)
      return {
        description: `insertText ${JSON.stringify(text)}`,
        run: (page) => page.keyboard.insertText(text),
      }
    }
  }
}

export const describePoint = ({ x, y }: { x: number; y: number }) =>
  `(${x.toFixed(2)}, ${y.toFixed(2)}) of the content`
