// @vitest-environment node
/**
 * The diff the history panel shows, headless: two people edit a document whose Y.Docs keep GC on
 * (as the server's do); two full states taken at two moments, put into one GC-off doc, render the
 * newer with the older one's deleted text still there and marked, and every change attributed to
 * the Yjs client that wrote it.
 */
import { bindEditorV2 } from '@tandem/shared/bindEditorV2'
import { EDITOR_NODES } from '@tandem/shared/editorNodes'
import {
  $createParagraphNode,
  $createTextNode,
  $getNodeByKey,
  $getRoot,
  $isTextNode,
  createEditor,
  type LexicalEditor,
} from 'lexical'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { renderVersionDiff, type VersionChange } from './versionDiff'

function person(clientId: number): { doc: Y.Doc; editor: LexicalEditor } {
  const doc = new Y.Doc()
  doc.clientID = clientId
  const editor = createEditor({
    nodes: [...EDITOR_NODES],
    onError: (error) => {
      throw error
    },
  })
  bindEditorV2(editor, doc)
  return { doc, editor }
}

function exchange(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)))
}

function describeChanges(editor: LexicalEditor, changes: VersionChange[]): string[] {
  return editor.read(() =>
    changes
      .map(({ key, type, client }) => {
        const node = $getNodeByKey(key)
        return `${type} ${client} ${node?.getType()} ${JSON.stringify(node?.getTextContent())}`
      })
      .sort(),
  )
}

describe('renderVersionDiff', () => {
  it('shows deleted text kept from the older state and new text, each by its author', () => {
    const ann = person(1)
    const bob = person(2)
    ann.editor.update(
      () => {
        $getRoot().append($createParagraphNode().append($createTextNode('Hello world')))
      },
      { discrete: true },
    )
    exchange(ann.doc, bob.doc)
    const older = Y.encodeStateAsUpdate(ann.doc)

    // Bob replaces "world" with "there" and adds a paragraph; Ann's doc garbage-collects "world".
    bob.editor.update(
      () => {
        const text = $getRoot()
          .getFirstChildOrThrow<ReturnType<typeof $createParagraphNode>>()
          .getFirstChild()
        if (!$isTextNode(text)) throw new Error('no text')
        text.setTextContent('Hello there')
        $getRoot().append($createParagraphNode().append($createTextNode('New para')))
      },
      { discrete: true },
    )
    exchange(ann.doc, bob.doc)
    expect(ann.doc.gc).toBe(true)
    const newer = Y.encodeStateAsUpdate(ann.doc)

    const viewer = createEditor({
      nodes: [...EDITOR_NODES],
      editable: false,
      onError: (error) => {
        throw error
      },
    })
    const { doc, changes } = renderVersionDiff(viewer, older, newer)
    expect(describeChanges(viewer, changes)).toEqual([
      'added 2 paragraph "New para"',
      'added 2 text "New para"',
      'added 2 text "there"',
      'removed 1 text "world"',
    ])
    // The view reads as the newer version with the deleted words shown in place.
    expect(viewer.read(() => $getRoot().getTextContent())).toBe('Hello worldthere\n\nNew para')
    doc.destroy()
  })

  it('against no older version, everything is an insertion', () => {
    const ann = person(7)
    ann.editor.update(
      () => {
        $getRoot().append($createParagraphNode().append($createTextNode('First words')))
      },
      { discrete: true },
    )
    const viewer = createEditor({
      nodes: [...EDITOR_NODES],
      editable: false,
      onError: (error) => {
        throw error
      },
    })
    const { changes } = renderVersionDiff(viewer, null, Y.encodeStateAsUpdate(ann.doc))
    expect(describeChanges(viewer, changes)).toContain('added 7 text "First words"')
  })
})
