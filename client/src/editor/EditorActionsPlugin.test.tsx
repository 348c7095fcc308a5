// @vitest-environment node
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { installJsdom } from '../testing/installJsdom'

// DOM globals must exist before React, Lexical and Testing Library load.
const removeJsdom = await installJsdom()
const { act, cleanup, render } = await import('@testing-library/react')
const { $createLinkNode, $isLinkNode } = await import('@lexical/link')
const { $createListItemNode, $createListNode } = await import('@lexical/list')
const { $dfs } = await import('@lexical/utils')
const { LexicalComposer } = await import('@lexical/react/LexicalComposer')
const { ContentEditable } = await import('@lexical/react/LexicalContentEditable')
const { EditorRefPlugin } = await import('@lexical/react/LexicalEditorRefPlugin')
const { LexicalErrorBoundary } = await import('@lexical/react/LexicalErrorBoundary')
const { LinkPlugin } = await import('@lexical/react/LexicalLinkPlugin')
const { ListPlugin } = await import('@lexical/react/LexicalListPlugin')
const { RichTextPlugin } = await import('@lexical/react/LexicalRichTextPlugin')
const { EDITOR_NODES } = await import('@tandem/shared/editorNodes')
const lexical = await import('lexical')
const { $createParagraphNode, $createTextNode, $getRoot, $isRangeSelection, COMMAND_PRIORITY_CRITICAL } =
  lexical
const { EditorActionsPlugin } = await import('./EditorActionsPlugin')
const { OPEN_LINK_EDITOR_COMMAND, RUN_EDITOR_ACTION_COMMAND } = await import('./editorCommands')
const { Toolbar } = await import('./Toolbar')

afterAll(() => removeJsdom())
afterEach(() => cleanup())

type LexicalEditor = import('lexical').LexicalEditor
type TextNode = import('lexical').TextNode

/** The toolbar and the plugin as EditorView mounts them, without collaboration. */
async function renderEditor(): Promise<LexicalEditor> {
  const editorRef: { current: LexicalEditor | null } = { current: null }
  render(
    <LexicalComposer
      initialConfig={{
        namespace: 'test',
        nodes: [...EDITOR_NODES],
        onError: (error) => {
          throw error
        },
      }}
    >
      <Toolbar />
      <RichTextPlugin
        ErrorBoundary={LexicalErrorBoundary}
        contentEditable={<ContentEditable data-testid="editor-content" />}
      />
      <ListPlugin />
      <LinkPlugin />
      <EditorActionsPlugin />
      <EditorRefPlugin editorRef={editorRef} />
    </LexicalComposer>,
  )
  await act(async () => {})
  if (editorRef.current === null) throw new Error('the editor did not mount')
  return editorRef.current
}

/** "alpha" (a paragraph, holding the caret at its end), then "beta" (a bullet list item), and "gamma" in a link. */
async function writeDocument(editor: LexicalEditor): Promise<Record<string, string>> {
  const keys: Record<string, string> = {}
  await act(async () => {
    editor.update(
      () => {
        const alpha = $createTextNode('alpha')
        const beta = $createTextNode('beta')
        const gamma = $createTextNode('gamma')
        const link = $createLinkNode('https://example.com/').append(gamma)
        $getRoot()
          .clear()
          .append(
            $createParagraphNode().append(alpha),
            $createListNode('bullet').append($createListItemNode().append(beta)),
            $createParagraphNode().append(link),
          )
        alpha.select(5, 5)
        keys.alpha = alpha.getKey()
        keys.beta = beta.getKey()
        keys.gamma = gamma.getKey()
      },
      { discrete: true },
    )
  })
  return keys
}

function blockTypes(editor: LexicalEditor): string[] {
  return editor.getEditorState().read(() =>
    $getRoot()
      .getChildren()
      .map((node) => node.getType()),
  )
}

/** Moves the caret and dispatches at once, before React renders the toolbar for the new selection. */
function selectThenDispatch(
  editor: LexicalEditor,
  key: string,
  action: import('./editorActions').EditorAction,
): void {
  editor.update(
    () => {
      lexical.$getNodeByKey<TextNode>(key)?.select(2, 2)
    },
    { discrete: true },
  )
  editor.dispatchCommand(RUN_EDITOR_ACTION_COMMAND, action)
}

describe('EditorActionsPlugin', () => {
  it('toggles the block the selection is in when the command fires, not the one last rendered', async () => {
    const editor = await renderEditor()
    const keys = await writeDocument(editor)
    expect(blockTypes(editor)).toEqual(['paragraph', 'list', 'paragraph'])
    // The toolbar last rendered a paragraph; the caret is now in the bullet list, so the bullet
    // action turns that list back into a paragraph.
    await act(async () => selectThenDispatch(editor, keys.beta!, { type: 'block', block: 'bullet' }))
    expect(blockTypes(editor)).toEqual(['paragraph', 'paragraph', 'paragraph'])
    // And from a paragraph the same action makes a list.
    await act(async () => selectThenDispatch(editor, keys.alpha!, { type: 'block', block: 'bullet' }))
    expect(blockTypes(editor)[0]).toBe('list')
  })

  it('removes the link the selection is in when the command fires', async () => {
    const editor = await renderEditor()
    const keys = await writeDocument(editor)
    const opened: unknown[] = []
    editor.registerCommand(
      OPEN_LINK_EDITOR_COMMAND,
      (selection) => {
        opened.push(selection)
        return false
      },
      COMMAND_PRIORITY_CRITICAL,
    )
    await act(async () => selectThenDispatch(editor, keys.gamma!, { type: 'link' }))
    expect(opened).toEqual([])
    const hasLink = () => editor.getEditorState().read(() => $dfs().some(({ node }) => $isLinkNode(node)))
    expect(hasLink()).toBe(false)
    expect(editor.getEditorState().read(() => $getRoot().getTextContent())).toContain('gamma')
  })

  it('opens the link editor with the selection at the time the command fires', async () => {
    const editor = await renderEditor()
    const keys = await writeDocument(editor)
    const anchors: (string | null)[] = []
    editor.registerCommand(
      OPEN_LINK_EDITOR_COMMAND,
      (selection) => {
        anchors.push($isRangeSelection(selection) ? selection.anchor.key : null)
        return false
      },
      COMMAND_PRIORITY_CRITICAL,
    )
    await act(async () => selectThenDispatch(editor, keys.beta!, { type: 'link' }))
    expect(anchors).toEqual([keys.beta])
    expect(document.querySelector('[data-testid="link-editor"]')).not.toBeNull()
  })
})
