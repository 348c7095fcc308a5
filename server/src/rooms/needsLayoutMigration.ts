/**
 * Whether a loaded document still has the V1 layout. Kept apart from the migration itself, which
 * loads headless Lexical (about a second of start-up on this machine): most nodes never need it.
 */
import { LEGACY_V1_ROOT_NAME, LEXICAL_ROOT_NAME } from '@tandem/shared'
import type * as Y from 'yjs'

/**
 * True when `doc` holds a V1 tree and the V2 root has never been written: the only state the
 * migration may touch. Reads the raw top-level types, so nothing is instantiated on the room's doc.
 * A V2 root that ever held anything (even if since emptied) is left alone: migrating again would
 * bring back what its editors deleted.
 */
export function needsLayoutMigration(doc: Y.Doc): boolean {
  const legacy = doc.share.get(LEGACY_V1_ROOT_NAME)
  if (!legacy || legacy._length === 0) return false
  const current = doc.share.get(LEXICAL_ROOT_NAME)
  return !current || (current._start === null && current._map.size === 0)
}
