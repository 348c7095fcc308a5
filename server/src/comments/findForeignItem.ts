/**
 * What an update adds outside the comments layout. Every item a comments update adds must be the
 * value of a key of one of the three maps: anything else (a new top-level type, list content of a
 * map, content inside a nested type or inside a stray type stored before the rules) is stored but
 * read by nobody, so it is refused whatever it holds. Judged per item, not by counting what the
 * document holds: content added inside an existing stray type changes no count.
 */
import { COMMENTS_DOC_TYPES } from '@tandem/shared'
import * as Y from 'yjs'

/**
 * Why `update`, already applied to `mirror`, adds an item outside the comment maps' keys; undefined
 * when it adds none. `stateBefore` is the mirror's state vector before the update: items below it
 * were there already (a resend) and are not judged again.
 */
export function findForeignItem(
  update: Uint8Array,
  mirror: Y.Doc,
  stateBefore: ReadonlyMap<number, number>,
): string | undefined {
  const maps = new Set<unknown>(COMMENTS_DOC_TYPES.map((name) => mirror.getMap(name)))
  // Parents are not in the decoded structs (an item with an origin inherits its neighbour's), so
  // each new item is looked up where the mirror integrated it.
  for (const struct of Y.decodeUpdate(update).structs) {
    if (!(struct instanceof Y.Item)) continue // GC and Skip structs carry no content
    const { client, clock } = struct.id
    const last = clock + struct.length - 1
    if (last < (stateBefore.get(client) ?? 0)) continue
    let integrated: Y.AbstractStruct | undefined
    try {
      integrated = Y.getItem(mirror.store, Y.createID(client, Math.max(clock, stateBefore.get(client) ?? 0)))
    } catch {
      integrated = undefined
    }
    // A GC struct in the mirror is content whose parent was deleted: the maps never are.
    if (!(integrated instanceof Y.Item)) return 'content outside the comment maps'
    if (!maps.has(integrated.parent)) return 'content outside the comment maps'
    if (integrated.parentSub === null) return 'a map holds list content'
  }
  return undefined
}
