/**
 * The Lexical editor behind a page's contenteditable (Lexical keeps it on the root element as
 * `__lexicalEditor`): its state as JSON, its selection, and the state's text in roomState's format.
 */
import { expect, type Page } from '@playwright/test'
import { editorContent } from './editorPage'

/** A node of `editor.getEditorState().toJSON()`, as far as these tests read it. */
export interface SerializedNode {
  readonly type: string
  readonly text?: string
  readonly children?: readonly SerializedNode[]
  readonly [property: string]: unknown
}

/** The editor state, or why it could not be serialized (Lexical throws e.g. error #130 on a broken tree). */
export type EditorStateRead = { ok: true; root: SerializedNode } | { ok: false; error: string }

/** `editor.getEditorState().toJSON().root` of the page's editor. */
export function readEditorState(page: Page): Promise<EditorStateRead> {
  return editorContent(page).evaluate((element): EditorStateRead => {
    type EditorLike = { getEditorState(): { toJSON(): { root: SerializedNode } } }
    const editor = (element as HTMLElement & { __lexicalEditor?: EditorLike }).__lexicalEditor
    if (editor === undefined) return { ok: false, error: 'no Lexical editor on the contenteditable' }
    try {
      return { ok: true, root: editor.getEditorState().toJSON().root }
    } catch (error) {
      return { ok: false, error: String(error) }
    }
  })
}

/** Anchor and focus offsets of the editor's range selection; null without one. */
export function selectionOffsets(page: Page): Promise<{ anchor: number; focus: number } | null> {
  return editorContent(page).evaluate((element) => {
    // `_selection` is the state's own field: the public reader ($getSelection) needs Lexical's module,
    // which the page does not expose.
    type PointLike = { offset: number }
    type EditorLike = { getEditorState(): { _selection: { anchor?: PointLike; focus?: PointLike } | null } }
    const editor = (element as HTMLElement & { __lexicalEditor?: EditorLike }).__lexicalEditor
    const selection = editor?.getEditorState()._selection
    if (!selection?.anchor || !selection.focus) return null
    return { anchor: selection.anchor.offset, focus: selection.focus.offset }
  })
}

/**
 * Waits until Lexical's own selection (not only the DOM's) is at these offsets. Key commands such as
 * Backspace act on Lexical's selection, which follows the DOM's asynchronously (selectionchange).
 */
export async function expectSelection(page: Page, anchor: number, focus = anchor): Promise<void> {
  await expect.poll(() => selectionOffsets(page)).toEqual({ anchor, focus })
}

/** Element types that sit inside a line of text rather than starting a block (as in roomState.ts). */
const INLINE_ELEMENTS = new Set(['link', 'autolink'])

/**
 * The state's text in `lexicalText`'s format (roomState.ts): one line per block, nested blocks too,
 * empty blocks left out, so a page's state compares with the server's document directly.
 */
export function stateText(root: SerializedNode): string {
  const lines: string[] = []
  const inlineText = (node: SerializedNode): string =>
    typeof node.text === 'string' ? node.text : (node.children ?? []).map(inlineText).join('')
  const walk = (element: SerializedNode) => {
    let line = ''
    for (const child of element.children ?? []) {
      if (typeof child.text === 'string' || INLINE_ELEMENTS.has(child.type)) {
        line += inlineText(child)
      } else {
        // A block, or a node the binding stores as an element of its own (a line break): the line ends.
        if (line !== '') lines.push(line)
        line = ''
        walk(child)
      }
    }
    if (line !== '') lines.push(line)
  }
  walk(root)
  return lines.join('\n')
}
