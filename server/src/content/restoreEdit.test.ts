import { createHeadlessEditor } from '@lexical/headless'
import { bindEditorV2 } from '@tandem/shared/bindEditorV2'
import { LEXICAL_ROOT_NAME, TITLE_TEXT_NAME } from '@tandem/shared/docLayout'
import { EDITOR_NODES } from '@tandem/shared/editorNodes'
import { $createImageNode } from '@tandem/shared/ImageNode'
import { $createParagraphNode, $createTextNode, $getRoot } from 'lexical'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readV2EditorState } from '../../test/helpers/lexicalDocuments'
import { createContentEdit, renderContent } from './headlessContent'
import { createRestoreEdit } from './restoreEdit'

function docWith(markdown: string): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, createContentEdit(doc, 'replace', 'markdown', markdown))
  return doc
}

/** Appends an image (a decorator node with fields) to `doc` through a headless editor bound to it. */
function appendImage(doc: Y.Doc): void {
  const editor = createHeadlessEditor({
    nodes: [...EDITOR_NODES],
    onError: (error) => {
      throw error
    },
  })
  // Bound to an empty copy first, as the app binds: the editor then shows what syncs in.
  const copy = new Y.Doc()
  const bound = bindEditorV2(editor, copy)
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  editor.update(() => {}, { discrete: true })
  editor.update(
    () => {
      $getRoot().append(
        $createImageNode({ hash: 'ab'.repeat(32), altText: 'chart', caption: 'Q3', width: 320 }),
        $createParagraphNode().append($createTextNode('ends with a line break\n')),
      )
    },
    { discrete: true },
  )
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(copy, Y.encodeStateVector(doc)))
  bound.unbind()
}

describe('restore edit (Yjs only)', () => {
  it('makes the document equal to the version: tables, code, images and the title included', () => {
    const version = docWith('# Plan\n\n| a | **b** |\n| --- | --- |\n| 1 | 2 |\n\n```sql\nselect 1\n```\n')
    appendImage(version)
    version.getText(TITLE_TEXT_NAME).insert(0, 'Plan v1')
    const live = docWith('Something else entirely\n\n- with a *list*\n')
    live.getText(TITLE_TEXT_NAME).insert(0, 'Renamed since')
    const liveBefore = Y.encodeStateAsUpdate(live)
    const versionBefore = Y.encodeStateAsUpdate(version)
    const update = createRestoreEdit(live, version)
    // Neither input is changed.
    expect(Y.encodeStateAsUpdate(live)).toEqual(liveBefore)
    expect(Y.encodeStateAsUpdate(version)).toEqual(versionBefore)
    Y.applyUpdate(live, update)
    expect(readV2EditorState(live)).toEqual(readV2EditorState(version))
    expect(renderContent(live, 'json')).toBe(renderContent(version, 'json'))
    expect(live.getText(TITLE_TEXT_NAME).toString()).toBe('Plan v1')
    expect(readV2EditorState(live).root.children.map((node) => node.type)).toEqual([
      'heading',
      'table',
      'code',
      'image',
      'paragraph',
    ])
    // A restore is an edit like any other: the old content is deleted by it, not rewritten away.
    expect(renderContent(live, 'markdown')).not.toContain('Something else')
    // Written under a client id of its own.
    const writers = [...Y.parseUpdateMeta(update).from.keys()]
    expect(writers).toHaveLength(1)
    expect(Y.decodeStateVector(Y.encodeStateVector(docFrom(liveBefore))).has(writers[0]!)).toBe(false)
  })

  it('leaves an unchanged title alone, and an editor bound to the restored document keeps editing it', () => {
    const version = docWith('first\n')
    version.getText(TITLE_TEXT_NAME).insert(0, 'Same')
    const live = docWith('second\n')
    live.getText(TITLE_TEXT_NAME).insert(0, 'Same')
    const update = createRestoreEdit(live, version)
    Y.applyUpdate(live, update)
    // The old paragraph is deleted; the title's characters are not touched.
    const titleItems = new Set<number>()
    for (let item = live.getText(TITLE_TEXT_NAME)._start; item !== null; item = item.right) {
      if (item.deleted) titleItems.add(item.id.clock)
    }
    expect(titleItems.size).toBe(0)
    expect(live.getText(TITLE_TEXT_NAME).toString()).toBe('Same')
    // A live editor (bound as the web app binds) reads the restored tree and types into it.
    const editor = createHeadlessEditor({
      nodes: [...EDITOR_NODES],
      onError: (error) => {
        throw error
      },
    })
    const copy = new Y.Doc()
    const bound = bindEditorV2(editor, copy)
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(live))
    editor.update(() => {}, { discrete: true })
    editor.update(() => $getRoot().append($createParagraphNode().append($createTextNode('more'))), {
      discrete: true,
    })
    bound.unbind()
    expect(renderContent(copy, 'markdown')).toBe('first\n\nmore\n')
  })
})

function docFrom(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return doc
}

describe('restore edit of a crafted version', () => {
  it('leaves out types the binding never writes in its tree, instead of failing the restore', () => {
    const version = docWith('Kept\n')
    const root = version.get(LEXICAL_ROOT_NAME, Y.XmlElement)
    const paragraph = root.get(0) as Y.XmlElement
    version.transact(() => {
      paragraph.setAttribute('hidden', new Y.Text('hidden') as never)
      root.insert(root.length, [new Y.XmlFragment() as never, new Y.XmlHook('hook') as never])
    })
    const live = docWith('Before\n')
    Y.applyUpdate(live, createRestoreEdit(live, version))
    expect(renderContent(live, 'markdown')).toBe('Kept\n')
    const restored = live.get(LEXICAL_ROOT_NAME, Y.XmlElement)
    expect((restored.get(0) as Y.XmlElement).getAttribute('hidden')).toBeUndefined()
    expect(restored.length).toBe(1)
  })

  it('copies a tree 20,000 levels deep without overflowing the stack', () => {
    const version = new Y.Doc()
    version.transact(() => {
      let parent = version.get(LEXICAL_ROOT_NAME, Y.XmlElement)
      for (let depth = 0; depth < 20_000; depth++) {
        const child = new Y.XmlElement('paragraph')
        parent.insert(0, [child])
        parent = child
      }
    })
    const live = new Y.Doc()
    Y.applyUpdate(live, createRestoreEdit(live, version))
    let depth = 0
    let node = live.get(LEXICAL_ROOT_NAME, Y.XmlElement).get(0)
    while (node instanceof Y.XmlElement) {
      depth++
      node = node.get(0)
    }
    expect(depth).toBe(20_000)
  })
})
