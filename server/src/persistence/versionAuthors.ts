/** Merging the people a version lists, within the bounds every version keeps (shared/versions.ts). */
import { MAX_VERSION_CLIENTS, MAX_VERSION_EDITORS } from '@tandem/shared'
import type { VersionAuthors } from './DocumentStore'

export const NO_AUTHORS: VersionAuthors = { editors: [], clients: [] }

/**
 * `first`'s authors, then those of `added` it lacks, in order, up to MAX_VERSION_EDITORS names and
 * MAX_VERSION_CLIENTS client ids (a client id keeps the first name given for it).
 */
export function mergeVersionAuthors(first: VersionAuthors, added: VersionAuthors): VersionAuthors {
  const editors = new Set(first.editors)
  for (const editor of added.editors) {
    if (editors.size >= MAX_VERSION_EDITORS) break
    editors.add(editor)
  }
  const clients = new Map(first.clients)
  for (const [clientId, editor] of added.clients) {
    if (clients.size >= MAX_VERSION_CLIENTS) break
    if (!clients.has(clientId)) clients.set(clientId, editor)
  }
  return { editors: [...editors], clients: [...clients] }
}
