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
 * Neither argument is changed. Types the V2 binding never writes inside its tree (Y.Text that is not
 * XmlText, XmlFragment, XmlHook: only a crafted update puts them there) are left out, and the tree is
 * copied with a stack of its own, so no version's shape can make the copy throw or overflow.
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
    copyTree(target, source)
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

/** A type to fill (already inserted) and the version's type it copies. */
interface Copy {
  readonly target: Container
  readonly source: Y.AbstractType<unknown>
}

/**
 * Copies `source`'s attributes and content into `target`, and so on down the tree. Each type is
 * inserted empty and filled once integrated (a prelim Y.Text's pending applyDelta would sanitize a
 * trailing newline), from a stack rather than by recursion: a crafted version 20,000 levels deep
 * overflowed the call stack.
 */
function copyTree(target: Y.XmlElement, source: Y.XmlElement): void {
  // Y.XmlElement's event type makes it no AbstractType<unknown> to TypeScript; it is one.
  const stack: Copy[] = [{ target, source: source as unknown as Y.AbstractType<unknown> }]
  const fillLater = (copy: Copy): void => {
    stack.push(copy)
  }
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) fill(next, fillLater)
}

/**
 * An empty type of `source`'s kind; null for a kind the V2 binding never writes inside its tree
 * (Y.Text that is not XmlText, XmlFragment, XmlHook): the binding throws on them, so a copy would
 * only break every editor that opens the restored document.
 */
function emptyLike(source: Y.AbstractType<unknown>): Container | null {
  // Before Y.Map, which XmlHook extends.
  if (source instanceof Y.XmlHook) return null
  if (source instanceof Y.XmlElement) return new Y.XmlElement(source.nodeName)
  if (source instanceof Y.XmlText) return new Y.XmlText()
  if (source instanceof Y.Map) return new Y.Map()
  if (source instanceof Y.Array) return new Y.Array()
  return null
}

/** Fills one type; the types inside it are inserted empty and handed to `fillLater`. */
function fill({ target, source }: Copy, fillLater: (copy: Copy) => void): void {
  if (target instanceof Y.XmlElement && source instanceof Y.XmlElement) {
    copyAttributes(target, source.getAttributes() as Record<string, unknown>, fillLater)
    copyList(target, source.toArray(), fillLater)
  } else if (target instanceof Y.XmlText && source instanceof Y.XmlText) {
    copyText(target, source, fillLater)
    copyAttributes(target, source.getAttributes() as Record<string, unknown>, fillLater)
  } else if (target instanceof Y.Map && source instanceof Y.Map) {
    for (const [key, value] of source.entries()) {
      if (!(value instanceof Y.AbstractType)) {
        target.set(key, value)
        continue
      }
      const copy = emptyLike(value)
      if (copy !== null) fillLater({ target: target.set(key, copy), source: value })
    }
  } else if (target instanceof Y.Array && source instanceof Y.Array) {
    copyList(target, source.toArray() as unknown[], fillLater)
  }
}

function copyAttributes(
  target: Y.XmlElement | Y.XmlText,
  attributes: Record<string, unknown>,
  fillLater: (copy: Copy) => void,
): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (!(value instanceof Y.AbstractType)) {
      target.setAttribute(key, value as never)
      continue
    }
    const copy = emptyLike(value)
    if (copy === null) continue
    // Yjs types attribute values as strings by default; a nested type (a decorator's slots map)
    // is a valid value all the same.
    target.setAttribute(key, copy as never)
    fillLater({ target: copy, source: value })
  }
}

/** Appends copies of `items` (types copied deeply, other values as they are) to `target`. */
function copyList(
  target: Y.XmlElement | Y.Array<unknown>,
  items: readonly unknown[],
  fillLater: (copy: Copy) => void,
): void {
  const inserted: unknown[] = []
  const copies: Copy[] = []
  for (const item of items) {
    if (!(item instanceof Y.AbstractType)) {
      inserted.push(item)
      continue
    }
    const copy = emptyLike(item)
    if (copy === null) continue
    inserted.push(copy)
    copies.push({ target: copy, source: item })
  }
  ;(target as Y.Array<unknown>).insert(target.length, inserted)
  for (const copy of copies) fillLater(copy)
}

/** The text with its formats, and embedded values or types at their places. */
function copyText(target: Y.XmlText, source: Y.XmlText, fillLater: (copy: Copy) => void): void {
  const delta = source.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]
  let index = 0
  for (const { insert, attributes } of delta) {
    if (typeof insert === 'string') {
      target.insert(index, insert, attributes ?? {})
      index += insert.length
    } else if (insert instanceof Y.AbstractType) {
      const copy = emptyLike(insert)
      if (copy === null) continue
      target.insertEmbed(index, copy as never, attributes ?? {})
      fillLater({ target: copy, source: insert })
      index += 1
    } else {
      target.insertEmbed(index, insert as object, attributes ?? {})
      index += 1
    }
  }
}
