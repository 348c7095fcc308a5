/**
 * Who a comment is by, as people should read it. A token's `name` is verified only when whoever
 * minted the token vouches for it: an embedder's backend does; a share link does not (whoever holds
 * it types any name into the exchange). Share-link identities are the `guest-...` subjects the
 * token exchange mints, so a stored comment says by its author id alone whether its name was
 * chosen by the person: such names are shown with a tag derived from the id, which nobody can pick.
 */
import type { CommentEntry, CommentView } from './commentsLayout'

/** Prefix of the token subjects `POST /api/token` mints for share-link holders (docs/auth.md). */
export const GUEST_SUBJECT_PREFIX = 'guest-'

/** Characters of a guest id shown in its tag: 24 random bits, so posing as one guest means ~16M exchanges. */
const GUEST_TAG_LENGTH = 4

export interface CommentAuthorView {
  /** The name the author's token carried. */
  readonly name: string
  /** The token's issuer vouches for the name (it was not typed into a share link's exchange). */
  readonly verified: boolean
  /** For unverified names: `guest · 3f2a`, from the author's id. */
  readonly tag?: string
  /** What to show in one string: the name, and the tag when unverified (`Ann (guest · 3f2a)`). */
  readonly label: string
}

/** Whether `authorId` is a share-link guest (its name was chosen by its holder). */
export function isGuestSubject(authorId: string): boolean {
  return authorId.startsWith(GUEST_SUBJECT_PREFIX)
}

/** How to show the author `authorId`, whose token name was `authorName`. */
export function describeCommentAuthor(authorId: string, authorName: string): CommentAuthorView {
  if (!isGuestSubject(authorId)) return { name: authorName, verified: true, label: authorName }
  const tag = `guest · ${authorId.slice(GUEST_SUBJECT_PREFIX.length, GUEST_SUBJECT_PREFIX.length + GUEST_TAG_LENGTH)}`
  return { name: authorName, verified: false, tag, label: `${authorName} (${tag})` }
}

/** `comment` as the API and webhooks give it: with its author's label and whether it is vouched for. */
export function viewOfComment(comment: CommentEntry): CommentView {
  const author = describeCommentAuthor(comment.authorId, comment.authorName)
  return { ...comment, authorVerified: author.verified, authorLabel: author.label }
}
