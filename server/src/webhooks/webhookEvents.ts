/**
 * The events Tandem announces to webhook endpoints, and the JSON body each delivery carries.
 * A new event is one line in WebhookEvent plus the call that publishes it.
 */
import { randomUUID } from 'node:crypto'
import type { VersionKind } from '@tandem/shared'

/** Most editor names one `document.changed` lists; further editors of the window go unnamed. */
export const MAX_EDITORS_PER_EVENT = 50

/** What happened, without the envelope fields every event has. */
export type WebhookEvent =
  | { readonly type: 'document.created'; readonly documentId: string; readonly title: string }
  | {
      readonly type: 'document.changed'
      readonly documentId: string
      /** Names of who edited since the last `document.changed` of the document (at most MAX_EDITORS_PER_EVENT). */
      readonly editors: readonly string[]
    }
  | { readonly type: 'document.deleted'; readonly documentId: string }
  | {
      readonly type: 'version.created'
      readonly documentId: string
      readonly versionId: string
      readonly kind: VersionKind
      /** Null for automatic versions. */
      readonly name: string | null
      /** Who edited since the previous version (at most MAX_VERSION_EDITORS). */
      readonly editors: readonly string[]
    }
  | {
      readonly type: 'comment.created'
      readonly documentId: string
      readonly threadId: string
      readonly commentId: string
      /** The author's token subject and name, as the server checked them. */
      readonly authorId: string
      readonly authorName: string
      /** Whether the name is vouched for by the token's issuer; a share-link guest's is typed (CommentView). */
      readonly authorVerified: boolean
      /** What to show: the name, with a tag from the id when unverified (`Ann (guest · 3f2a)`). */
      readonly authorLabel: string
      readonly body: string
    }

export type WebhookEventType = WebhookEvent['type']

/** Every event type, for metric labels and docs. */
export const WEBHOOK_EVENT_TYPES = [
  'document.created',
  'document.changed',
  'document.deleted',
  'version.created',
  'comment.created',
] as const satisfies readonly WebhookEventType[]

/**
 * The delivery body: `{ id, type, documentId, occurredAt, ...fields }`. `id` is the same for every
 * attempt and endpoint of one event, so receivers drop duplicates by it (delivery is at least once).
 */
export function writeWebhookBody(event: WebhookEvent, occurredAtMs: number): string {
  return JSON.stringify({
    id: randomUUID(),
    ...event,
    occurredAt: new Date(occurredAtMs).toISOString(),
  })
}
