/**
 * A restore without an editor: the update that makes a document's content and title equal to a
 * version's, computed on Yjs alone. The version's Lexical tree (`root-v2`, as the V2 binding wrote
 * it) is copied type by type into the live tree, whose old children are deleted, so the work and
 * memory are a few passes over the two states: no Lexical tree, no binding, no reconciliation.
 */
import { LEXICAL_ROOT_NAME, TITLE_TEXT_NAME } from '@tandem/shared/docLayout'
import * as Y from 'yjs'

/**
 * The update that makes `doc`'s document equal to `version`'s (a restore): the version's tree
 * (every node type, attributes, formats and node state as stored) replaces the document's, and the
 * version's title its title, as one change. Nothing is rewritten: the old content is deleted by
 * this update like any edit, so history keeps it. Written under a client id `doc` has never used.
 * Neither argument is changed.
 */
export function createRestoreEdit(doc: Y.Doc, version: Y.Doc): Uint8Array {
  const scratch = new Y.Doc({ gc: false })
  const used = Y.decodeStateVector(Y.encodeStateVector(doc))
  while (used.has(scratch.clientID)) scratch.clientID = Math.floor(Math.random() * 2 ** 32)
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc))
  const base = Y.encodeStateVector(scratch)
  const source = version.get(LEXICAL_ROOT_NAME, Y.XmlElement)
  scratch.transact(() => {
    const target = scratch.get(LEXICAL_ROOT_NAME, Y.XmlElement)
    if (target.length > 0) target.delete(0, target.length)
    const attributes = source.getAttributes() as Record<string, unknown>
    for (const key of Object.keys(target.getAttributes())) {
      if (!(key in attributes)) target.removeAttribute(key)
    }
    copyAttributes(target, attributes)
    copyChildren(target, source)
    const title = scratch.getText(TITLE_TEXT_NAME)
    const versionTitle = version.getText(TITLE_TEXT_NAME).toString()
    // Only when it differs: an unchanged title stays the same characters, not deleted and retyped.
    if (title.toString() !== versionTitle) {
      title.delete(0, title.length)
      title.insert(0, versionTitle)
    }
  })
  const update = Y.encodeStateAsUpdate(scratch, base)
  scratch.destroy()
  return update
}

type Container = Y.XmlElement | Y.XmlText | Y.Map<unknown> | Y.Array<unknown>

/**
 * An empty type of `source`'s kind, to be inserted and then filled: filling it once integrated
 * keeps what a prelim type would lose (Y.Text's pending applyDelta sanitizes a trailing newline).
 */
function emptyLike(source: Y.AbstractType<unknown>): Container {
  if (source instanceof Y.XmlElement) return new Y.XmlElement(source.nodeName)
  if (source instanceof Y.XmlText) return new Y.XmlText()
  if (source instanceof Y.Map) return new Y.Map()
  if (source instanceof Y.Array) return new Y.Array()
  // Y.Text, Y.XmlHook, Y.XmlFragment: nothing the V2 binding writes inside its tree.
  throw new Error(`restore: cannot copy a ${source.constructor.name} inside the document tree`)
}

function fill(target: Container, source: Y.AbstractType<unknown>): void {
  if (target instanceof Y.XmlElement && source instanceof Y.XmlElement) {
    copyAttributes(target, source.getAttributes() as Record<string, unknown>)
    copyChildren(target, source)
  } else if (target instanceof Y.XmlText && source instanceof Y.XmlText) {
    copyText(target, source)
    copyAttributes(target, source.getAttributes() as Record<string, unknown>)
  } else if (target instanceof Y.Map && source instanceof Y.Map) {
    for (const [key, value] of source.entries()) {
      if (value instanceof Y.AbstractType) fill(target.set(key, emptyLike(value)), value)
      else target.set(key, value)
    }
  } else if (target instanceof Y.Array && source instanceof Y.Array) {
    copyList(target, source.toArray() as unknown[])
  }
}

function copyAttributes(target: Y.XmlElement | Y.XmlText, attributes: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (value instanceof Y.AbstractType) {
      const copy = emptyLike(value)
      // Yjs types attribute values as strings by default; a nested type (a decorator's slots map)
      // is a valid value all the same.
      target.setAttribute(key, copy as never)
      fill(copy, value)
    } else {
      target.setAttribute(key, value as never)
    }
  }
}

function copyChildren(target: Y.XmlElement, source: Y.XmlElement): void {
  copyList(target, source.toArray())
}

/** Appends copies of `items` (types copied deeply, other values as they are) to `target`. */
function copyList(target: Y.XmlElement | Y.Array<unknown>, items: readonly unknown[]): void {
  const start = target.length
  const inserted = items.map((item) => (item instanceof Y.AbstractType ? emptyLike(item) : item))
  ;(target as Y.Array<unknown>).insert(start, inserted)
  items.forEach((item, index) => {
    if (item instanceof Y.AbstractType) fill(inserted[index] as Container, item)
  })
}

/** The text with its formats, and embedded values or types at their places. */
function copyText(target: Y.XmlText, source: Y.XmlText): void {
  const delta = source.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]
  let index = 0
  for (const { insert, attributes } of delta) {
    if (typeof insert === 'string') {
      target.insert(index, insert, attributes ?? {})
      index += insert.length
    } else if (insert instanceof Y.AbstractType) {
      const copy = emptyLike(insert)
      target.insertEmbed(index, copy as never, attributes ?? {})
      fill(copy, insert)
      index += 1
    } else {
      target.insertEmbed(index, insert as object, attributes ?? {})
      index += 1
    }
  }
}
