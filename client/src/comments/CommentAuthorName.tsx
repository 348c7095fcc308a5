/**
 * A comment author's name as people should read it: a share-link guest's name is whatever they
 * typed, so it carries a tag from their id that nobody can choose (shared describeCommentAuthor).
 */
import { describeCommentAuthor } from '@tandem/shared'

export interface CommentAuthorNameProps {
  readonly authorId: string
  readonly authorName: string
}

export function CommentAuthorName({ authorId, authorName }: CommentAuthorNameProps) {
  const author = describeCommentAuthor(authorId, authorName)
  return (
    <>
      <span className="comment-author" data-testid="comment-author" data-verified={author.verified}>
        {author.name}
      </span>
      {author.tag !== undefined && (
        <span
          className="comment-author-tag"
          data-testid="comment-author-tag"
          title="Name chosen by a link’s holder, not verified; the tag is theirs alone"
        >
          {author.tag}
        </span>
      )}
    </>
  )
}
