// @vitest-environment node
/**
 * The `/` menu's entries on a real headless editor (the app's nodes, rich text and table plugins):
 * what each inserts or applies, and how typing filters them.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { installJsdom } from '../testing/installJsdom'

const removeJsdom = await installJsdom()
const { $isHorizontalRuleNode } = await import('@lexical/extension')
const { $isTableNode } = await import('@lexical/table')
const {
  $createParagraphNode,
  $createTextNode,
  $getRoot,
  $isElementNode,
  COMMAND_PRIORITY_EDITOR,
  createEditor,
} = await import('lexical')
const { PICK_IMAGE_COMMAND } = await import('../images/imageCommands')
const { HeadlessNetwork } = await import('../testing/headlessCollab')
const { BLOCK_INSERTS, IMAGE_INSERT, blockInsertsFor, entryForTypedQuery, matchBlockInserts } = await import(
  './blockInserts'
)

let net: InstanceType<typeof HeadlessNetwork>
afterEach(() => net.destroy())
afterAll(() => removeJsdom())

/** One person with a document of `texts` paragraphs and the caret at the end of the last. */
function personWith(...texts: string[]) {
  net = new HeadlessNetwork()
  const peer = net.join('A')
  peer.edit(() => {
    for (const text of texts) {
      const paragraph = $createParagraphNode()
      if (text !== '') paragraph.append($createTextNode(text))
      $getRoot().append(paragraph)
    }
    $getRoot().getLastChildOrThrow<import('lexical').ElementNode>().selectEnd()
  })
  return peer
}

function run(peer: ReturnType<typeof personWith>, id: string): void {
  const entry = BLOCK_INSERTS.find((candidate) => candidate.id === id)
  if (entry === undefined) throw new Error(`no entry ${id}`)
  peer.edit(() => entry.run(peer.editor))
}

const blockTypes = (peer: ReturnType<typeof personWith>) =>
  peer.editor.getEditorState().read(() =>
    $getRoot()
      .getChildren()
      .map((node) => node.getType()),
  )

describe('block inserts', () => {
  it('a table or a divider replaces the empty line the menu was opened on, and keeps a line after it', () => {
    const peer = personWith('Plan', '')
    run(peer, 'table')
    expect(blockTypes(peer)).toEqual(['paragraph', 'table', 'paragraph'])
    const rows = peer.editor.getEditorState().read(() => {
      const table = $getRoot().getChildAtIndex(1)
      return $isTableNode(table) ? table.getChildrenSize() : 0
    })
    expect(rows).toBe(3)
    const other = personWith('Plan', '')
    run(other, 'divider')
    expect(
      other.editor.getEditorState().read(() => $getRoot().getChildren().some($isHorizontalRuleNode)),
    ).toBe(true)
    expect(blockTypes(other)).toEqual(['paragraph', 'horizontalrule', 'paragraph'])
  })

  it('alignment is the block format; colours and highlights style the caret block as theme variables', () => {
    const peer = personWith('Intro', 'Warning')
    run(peer, 'align-center')
    run(peer, 'color-red')
    run(peer, 'highlight-yellow')
    const [intro, warning] = peer.editor.getEditorState().read(() =>
      $getRoot()
        .getChildren()
        .filter($isElementNode)
        .map((block) => ({
          format: block.getFormatType(),
          style: block.getAllTextNodes().map((text) => text.getStyle()),
        })),
    )
    expect(intro).toEqual({ format: '', style: [''] })
    expect(warning?.format).toBe('center')
    expect(warning?.style[0]).toContain('color: var(--tandem-text-red)')
    expect(warning?.style[0]).toContain('background-color: var(--tandem-highlight-yellow)')
    run(peer, 'clear-color')
    expect(peer.editor.getEditorState().read(() => $getRoot().getLastChildOrThrow().getTextContent())).toBe(
      'Warning',
    )
    expect(
      peer.editor
        .getEditorState()
        .read(() =>
          $getRoot().getLastChildOrThrow<import('lexical').ElementNode>().getAllTextNodes()[0]?.getStyle(),
        ),
    ).toBe('')
  })

  it('typing filters by label words first, then keywords; ids are unique', () => {
    expect(matchBlockInserts('').length).toBe(BLOCK_INSERTS.length)
    expect(matchBlockInserts('he').map((entry) => entry.id)).toEqual(['h1', 'h2', 'h3'])
    expect(matchBlockInserts('high').map((entry) => entry.id)).toEqual([
      'highlight-yellow',
      'highlight-green',
      'highlight-blue',
      'highlight-pink',
      'clear-color',
    ])
    expect(matchBlockInserts('TAB')[0]?.id).toBe('table')
    expect(matchBlockInserts('hr').map((entry) => entry.id)).toEqual(['divider'])
    expect(matchBlockInserts('todo').map((entry) => entry.id)).toEqual(['check'])
    expect(matchBlockInserts('zzz')).toEqual([])
    expect(new Set(BLOCK_INSERTS.map((entry) => entry.id)).size).toBe(BLOCK_INSERTS.length)
  })

  it('Enter runs what was typed even when the list on screen is a keystroke behind', () => {
    const byId = (id: string) => BLOCK_INSERTS.find((entry) => entry.id === id)!
    // The list still showed "/" (Heading 1 highlighted) when "ta" and Enter arrived.
    expect(entryForTypedQuery(BLOCK_INSERTS[0]!, 'ta')?.id).toBe(matchBlockInserts('ta')[0]?.id)
    expect(entryForTypedQuery(BLOCK_INSERTS[0]!, 'tab')?.id).toBe('table')
    // A choice that still matches is kept (someone arrowed down to it).
    expect(entryForTypedQuery(byId('h3'), 'he')?.id).toBe('h3')
    // Nothing matches what was typed: nothing runs.
    expect(entryForTypedQuery(byId('h1'), 'zzz')).toBeNull()
  })

  it('offers "Image" only where this editor can upload, and it opens the file picker', () => {
    expect(blockInsertsFor({ canInsertImages: false }).some((entry) => entry.id === 'image')).toBe(false)
    const withImages = blockInsertsFor({ canInsertImages: true })
    expect(matchBlockInserts('pic', withImages).map((entry) => entry.id)).toEqual(['image'])
    const picked: unknown[] = []
    const editor = createEditor()
    editor.registerCommand(
      PICK_IMAGE_COMMAND,
      () => {
        picked.push(true)
        return true
      },
      COMMAND_PRIORITY_EDITOR,
    )
    IMAGE_INSERT.run(editor)
    expect(picked).toHaveLength(1)
  })
})
