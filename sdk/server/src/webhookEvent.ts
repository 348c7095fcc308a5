/** The webhook events Tandem sends (docs/api.md#webhooks), and a checked parse of a verified body. */

interface EventBase {
  /** The same on every retry: deduplicate by it. */
  readonly id: string
  readonly documentId: string
  /** ISO 8601. */
  readonly occurredAt: string
}

export type WebhookEvent =
  | (EventBase & { readonly type: 'document.created'; readonly title: string })
  | (EventBase & { readonly type: 'document.changed'; readonly editors: readonly string[] })
  | (EventBase & { readonly type: 'document.deleted' })
  | (EventBase & {
      readonly type: 'comment.created'
      readonly threadId: string
      readonly commentId: string
      /** The author's token subject and name, as the server checked them. */
      readonly authorId: string
      readonly authorName: string
      /** Whether the name is vouched for by the token's issuer; a share-link guest's is typed. */
      readonly authorVerified: boolean
      /** What to show people: the name, with a tag from the id when unverified (`Ann (guest · 3f2a)`). */
      readonly authorLabel: string
      readonly body: string
    })

/**
 * Parses a delivery body after `verifyWebhookSignature` accepted it. Throws a TypeError when it is
 * not an event; a `type` this SDK does not know is returned as it is, so newer servers do not break it.
 */
export function parseWebhookEvent(rawBody: string | Uint8Array): WebhookEvent {
  const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody)
  const event: unknown = JSON.parse(text)
  if (
    typeof event !== 'object' ||
    event === null ||
    typeof (event as { id?: unknown }).id !== 'string' ||
    typeof (event as { type?: unknown }).type !== 'string' ||
    typeof (event as { documentId?: unknown }).documentId !== 'string'
  ) {
    throw new TypeError('not a Tandem webhook event')
  }
  return event as WebhookEvent
}
