/** Opens a document this browser just created (new or imported), remembering its links among the recent ones. */
import type { CreateDocumentResponse } from '@tandem/shared'
import type { Navigate } from '../app/useLocation'
import { browserStorage } from '../storage/browserStorage'
import { rememberDocument } from './recentDocuments'

export function openCreatedDocument(created: CreateDocumentResponse, navigate: Navigate): void {
  rememberDocument(browserStorage(), {
    id: created.id,
    title: created.title,
    links: {
      [created.editLink.role]: created.editLink.url,
      [created.viewLink.role]: created.viewLink.url,
    },
    openedAt: Date.now(),
  })
  navigate(created.editLink.url)
}
