// @vitest-environment node
/** The incremental counts always equal a count of the whole document, whatever the edit. */
import { afterAll, afterEach, expect, it } from 'vitest'
import { installJsdom } from '../testing/installJsdom'

const removeJsdom = await installJsdom()
const { $createListItemNode, $createListNode } = await import('@lexical/list')
const { $createHeadingNode } = await import('@lexical/rich-text')
const { EDITOR_NODES } = await import('@tandem/shared/editorNodes')
const { $createLineBreakNode, $createParagraphNode, $createTextNode, $getRoot, createEditor } = await import(
  'lexical'
)
const { DocumentCounter } = await import('./DocumentCounter')
const { countText } = await import('./textStats')
type LexicalEditor = import('lexical').LexicalEditor

let editor: LexicalEditor
afterEach(() => editor.setRootElement(null))
afterAll(() => removeJsdom())

it('recounts only what each edit touched and always agrees with a full count', () => {
  editor = createEditor({
    namespace: 'counts',
    nodes: [...EDITOR_NODES],
    onError: (error) => {
      throw error
    },
  })
  editor.setRootElement(document.createElement('div'))
  const counter = new DocumentCounter()
  const results: Array<{ incremental: ReturnType<typeof countText>; full: ReturnType<typeof countText> }> = []
  editor.registerUpdateListener(({ editorState, dirtyElements, dirtyLeaves }) => {
    const incremental = counter.update(editorState, { dirtyElements, dirtyLeaves })
    const full = new DocumentCounter().update(editorState)
    results.push({ incremental, full })
  })
  const edit = (fn: () => void) => editor.update(fn, { discrete: true })

  edit(() => {
    $getRoot().append(
      $createHeadingNode('h1').append($createTextNode('A title')),
      $createParagraphNode().append(
        $createTextNode('one two '),
        $createTextNode('three').toggleFormat('bold'),
      ),
      $createListNode('bullet').append(
        $createListItemNode().append($createTextNode('item one')),
        $createListItemNode().append(
          $createTextNode('item two'),
          $createLineBreakNode(),
          $createTextNode('more'),
        ),
      ),
    )
  })
  expect(results.at(-1)?.incremental).toEqual({ words: 10, characters: 41 })
  edit(() => $getRoot().getChildAtIndex(1)?.selectEnd().insertText(' four'))
  edit(() => $getRoot().getFirstChild()?.remove())
  edit(() => $getRoot().getLastChild()?.remove())
  edit(() => $getRoot().getFirstChild()?.selectStart().insertText('zero '))
  edit(() => $getRoot().clear().append($createParagraphNode()))
  editor.setEditorState(
    editor.parseEditorState(
      JSON.stringify({
        root: {
          type: 'root',
          version: 1,
          direction: null,
          format: '',
          indent: 0,
          children: [
            {
              type: 'paragraph',
              version: 1,
              direction: null,
              format: '',
              indent: 0,
              textFormat: 0,
              textStyle: '',
              children: [
                {
                  type: 'text',
                  version: 1,
                  text: 'fresh state here',
                  format: 0,
                  style: '',
                  mode: 'normal',
                  detail: 0,
                },
              ],
            },
          ],
        },
      }),
    ),
  )
  expect(results.length).toBeGreaterThanOrEqual(7)
  for (const { incremental, full } of results) expect(incremental).toEqual(full)
  expect(results.at(-1)?.incremental).toEqual({ words: 3, characters: 16 })
})
