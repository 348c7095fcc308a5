/** One thread: its quote, its comments (own ones editable and deletable), a reply box, resolve/reopen. */
import { addComment, deleteComment, editComment, setResolved } from '@tandem/shared'
import { useState } from 'react'
import type * as Y from 'yjs'
import { colorForUser } from '../identity/identity'
import { CommentAuthorName } from './CommentAuthorName'
import { CommentBody } from './CommentBody'
import { CommentComposer } from './CommentComposer'
import type { CommentsAuthor } from './CommentsSession'
import type { ThreadView } from './readThreads'

export interface ThreadCardProps {
  readonly view: ThreadView
  readonly doc: Y.Doc
  readonly author: CommentsAuthor | null
  readonly canComment: boolean
  readonly detached: boolean
  readonly active: boolean
  readonly people: readonly string[]
  readonly onActivate: () => void
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
})

export function ThreadCard({
  view,
  doc,
  author,
  canComment,
  detached,
  active,
  people,
  onActivate,
}: ThreadCardProps) {
  const { thread, comments } = view
  const [editing, setEditing] = useState<string | null>(null)
  return (
    <article
      aria-label={`Comment thread on “${thread.anchor.quote}”`}
      className="comment-thread"
      data-active={active}
      data-detached={detached}
      data-resolved={thread.resolved}
      data-testid="comment-thread"
      onClick={onActivate}
      onKeyDown={() => {}}
    >
      <blockquote className="comment-quote" data-testid="comment-quote">
        {thread.anchor.quote}
      </blockquote>
      {detached && (
        <p className="comment-detached" data-testid="comment-detached">
          The commented text was deleted
        </p>
      )}
      <ol className="comment-list">
        {comments.map((comment) => {
          const own = author !== null && comment.authorId === author.id
          return (
            <li className="comment" data-testid="comment" key={comment.id}>
              <div className="comment-meta">
                <span
                  aria-hidden="true"
                  className="comment-avatar"
                  style={{ background: colorForUser(comment.authorId) }}
                >
                  {comment.authorName.slice(0, 1).toUpperCase()}
                </span>
                <CommentAuthorName authorId={comment.authorId} authorName={comment.authorName} />
                <time className="comment-time" dateTime={new Date(comment.createdAt).toISOString()}>
                  {timeFormat.format(comment.createdAt)}
                  {comment.editedAt !== undefined && ' (edited)'}
                </time>
              </div>
              {editing === comment.id ? (
                <CommentComposer
                  autoFocus
                  initial={comment.body}
                  label="Edit comment"
                  onCancel={() => setEditing(null)}
                  onSubmit={(body) => {
                    editComment(doc, comment.id, body)
                    setEditing(null)
                  }}
                  people={people}
                  submitLabel="Save"
                  testId="comment-edit"
                />
              ) : (
                <CommentBody body={comment.body} people={people} />
              )}
              {own && canComment && editing !== comment.id && (
                <div className="comment-own-actions">
                  <button
                    className="comment-link"
                    data-testid="comment-edit-button"
                    onClick={() => setEditing(comment.id)}
                    type="button"
                  >
                    Edit
                  </button>
                  <button
                    className="comment-link"
                    data-testid="comment-delete-button"
                    onClick={() => deleteComment(doc, comment.id)}
                    type="button"
                  >
                    Delete
                  </button>
                </div>
              )}
            </li>
          )
        })}
      </ol>
      {canComment && author !== null && (
        <div className="comment-thread-actions">
          {!thread.resolved && active && (
            <CommentComposer
              label="Reply"
              onSubmit={(body) => addComment(doc, author, thread.id, body)}
              people={people}
              submitLabel="Reply"
              testId="comment-reply"
            />
          )}
          <button
            className="tandem-button"
            data-testid={thread.resolved ? 'comment-reopen' : 'comment-resolve'}
            onClick={(event) => {
              event.stopPropagation()
              setResolved(doc, author, thread.id, !thread.resolved)
            }}
            type="button"
          >
            {thread.resolved ? 'Reopen' : 'Resolve'}
          </button>
        </div>
      )}
    </article>
  )
}
