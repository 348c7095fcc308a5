import { readFileSync } from 'node:fs'
import { $createHeadingNode } from '@lexical/rich-text'
import { LEGACY_V1_ROOT_NAME, LEXICAL_ROOT_NAME, TITLE_TEXT_NAME } from '@tandem/shared'
import { documentContent } from '@tandem/shared/editorNodes'
import { $createParagraphNode, $createTextNode, $getRoot, type SerializedLexicalNode } from 'lexical'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readV2EditorState, writeV1Document } from '../../test/helpers/lexicalDocuments'
import { createLayoutMigration, readLegacyEditorState } from './migrateLegacyLayout'
import { needsLayoutMigration } from './needsLayoutMigration'

/** Written by main's V1 editor in Chromium (see the fixture's commit). */
const V1_FIXTURE = readFileSync(new URL('../../test/fixtures/v1-document.bin', import.meta.url))

function docFrom(...updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc()
  for (const update of updates) Y.applyUpdate(doc, update)
  return doc
}

/** Every node of a serialized tree, depth first, with its depth. */
function flatten(
  nodes: readonly SerializedLexicalNode[],
  depth = 0,
): Array<SerializedLexicalNode & { depth: number }> {
  return nodes.flatMap((node) => {
    const children = (node as { children?: SerializedLexicalNode[] }).children ?? []
    return [{ ...node, depth }, ...flatten(children, depth + 1)]
  })
}

function find(nodes: readonly SerializedLexicalNode[], match: Record<string, unknown>) {
  return flatten(nodes).find((node) =>
    Object.entries(match).every(
      ([key, value]) => (node as unknown as Record<string, unknown>)[key] === value,
    ),
  )
}

describe('migrateLegacyLayout', () => {
  it('writes the V1 tree of a document from main into the V2 root, node for node', () => {
    const doc = docFrom(V1_FIXTURE)
    const legacyBefore = doc.get(LEGACY_V1_ROOT_NAME, Y.XmlText).toDelta()
    const titleBefore = doc.getText(TITLE_TEXT_NAME).toString()
    const v1 = readLegacyEditorState(doc)
    expect(needsLayoutMigration(doc)).toBe(true)

    Y.applyUpdate(doc, createLayoutMigration(doc))

    const v2 = readV2EditorState(doc)
    // Node types, text, formats, list types and nesting: the whole document content, keys excluded.
    expect(documentContent(v2)).toEqual(documentContent(v1))
    const content = v2.root.children
    expect(find(content, { type: 'heading', tag: 'h1', depth: 0 })).toBeDefined()
    expect(find(content, { type: 'text', text: 'Release plan' })).toBeDefined()
    expect(find(content, { type: 'text', text: 'on Friday', format: 1 })).toBeDefined()
    expect(find(content, { type: 'text', text: 'care', format: 2 })).toBeDefined()
    expect(find(content, { type: 'list', listType: 'bullet', depth: 0 })).toBeDefined()
    expect(find(content, { type: 'list', listType: 'bullet', depth: 2 })).toBeDefined()
    expect(find(content, { type: 'text', text: 'nested step', depth: 4 })).toBeDefined()
    expect(find(content, { type: 'list', listType: 'number' })).toBeDefined()
    expect(find(content, { type: 'listitem', checked: false })).toBeDefined()
    expect(find(content, { type: 'quote' })).toBeDefined()
    expect(find(content, { type: 'heading', tag: 'h2' })).toBeDefined()
    expect(find(content, { type: 'code' })).toBeDefined()
    // The V1 tree is the kept copy of the old state; the title is not part of either layout.
    expect(doc.get(LEGACY_V1_ROOT_NAME, Y.XmlText).toDelta()).toEqual(legacyBefore)
    expect(doc.getText(TITLE_TEXT_NAME).toString()).toBe(titleBefore)
    expect(titleBefore).not.toBe('')
    expect(needsLayoutMigration(doc)).toBe(false)
  })

  it('does not change the document it migrates', () => {
    const doc = docFrom(V1_FIXTURE)
    const before = Y.encodeStateAsUpdate(doc)
    createLayoutMigration(doc)
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before)
    expect(doc.share.has(LEXICAL_ROOT_NAME)).toBe(false)
  })

  it('gives byte-identical updates on two nodes, so both together add the content once', () => {
    const first = createLayoutMigration(docFrom(V1_FIXTURE))
    const second = createLayoutMigration(docFrom(V1_FIXTURE))
    expect(second).toEqual(first)

    const once = docFrom(V1_FIXTURE, first)
    const twice = docFrom(V1_FIXTURE, first, second)
    expect(documentContent(readV2EditorState(twice))).toEqual(documentContent(readV2EditorState(once)))
    expect(twice.get(LEXICAL_ROOT_NAME, Y.XmlElement).length).toBe(
      once.get(LEXICAL_ROOT_NAME, Y.XmlElement).length,
    )
  })

  it('writes different content under a different client id, even when the state vectors match', () => {
    const doc = docFrom(V1_FIXTURE)
    const edited = docFrom(V1_FIXTURE)
    // A deletion alone leaves the state vector as it was.
    const heading = edited.get(LEGACY_V1_ROOT_NAME, Y.XmlText).toDelta()[0].insert as Y.XmlText
    heading.delete(heading.length - 1, 1)
    expect(Y.encodeStateVector(edited)).toEqual(Y.encodeStateVector(doc))

    const writers = [doc, edited].map((source) => {
      const migrated = docFrom(createLayoutMigration(source))
      return [...Y.decodeStateVector(Y.encodeStateVector(migrated)).keys()]
    })
    expect(writers[0]).toHaveLength(1)
    expect(writers[1]).not.toEqual(writers[0])
  })

  it('leaves alone documents that have no V1 tree or whose V2 root was ever written', () => {
    expect(needsLayoutMigration(new Y.Doc())).toBe(false)

    const titled = new Y.Doc()
    titled.getText(TITLE_TEXT_NAME).insert(0, 'only a title')
    expect(needsLayoutMigration(docFrom(Y.encodeStateAsUpdate(titled)))).toBe(false)

    const migrated = docFrom(V1_FIXTURE)
    Y.applyUpdate(migrated, createLayoutMigration(migrated))
    // Emptied by its editors since: migrating again would bring back what they deleted.
    const root = migrated.get(LEXICAL_ROOT_NAME, Y.XmlElement)
    root.delete(0, root.length)
    expect(needsLayoutMigration(docFrom(Y.encodeStateAsUpdate(migrated)))).toBe(false)
  })

  it('migrates a document written with the V1 binding headless, as main wrote it', () => {
    const doc = writeV1Document(() => {
      const heading = $createHeadingNode('h1').append($createTextNode('Plan'))
      const paragraph = $createParagraphNode().append($createTextNode('bold').toggleFormat('bold'))
      $getRoot().clear().append(heading, paragraph)
    })
    expect(needsLayoutMigration(doc)).toBe(true)
    Y.applyUpdate(doc, createLayoutMigration(doc))
    const v2 = readV2EditorState(doc)
    expect(documentContent(v2)).toEqual(documentContent(readLegacyEditorState(doc)))
    expect(find(v2.root.children, { type: 'text', text: 'bold', format: 1 })).toBeDefined()
  })

  it('throws, changing nothing, when Lexical cannot read the V1 tree', () => {
    const doc = docFrom(V1_FIXTURE)
    const heading = doc.get(LEGACY_V1_ROOT_NAME, Y.XmlText).toDelta()[0].insert as Y.XmlText
    heading.setAttribute('__type', 'no-such-node')
    const before = Y.encodeStateAsUpdate(doc)
    expect(() => createLayoutMigration(doc)).toThrow(/no-such-node is not registered/)
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before)
  })
})
