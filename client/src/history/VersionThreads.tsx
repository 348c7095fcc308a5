/**
 * The comment threads stored with a version (read-only), as they stood when it was taken: comments
 * deleted and threads resolved or reopened since read as they were then. Restoring a version does
 * not bring them back; comments are a discussion log, not content.
 */
import type { CommentThreadView, VersionCommentsResponse } from '@tandem/shared'
import { CommentAuthorName } from '../comments/CommentAuthorName'
import { CommentBody } from '../comments/CommentBody'
import { formatVersionTime } from './VersionList'

export interface VersionThreadsProps {
  /** Null while loading. */
  readonly comments: VersionCommentsResponse | null
}

/** No names are mention-highlighted: the version's people list is not read, only its threads. */
const NO_PEOPLE: readonly string[] = []

export function VersionThreads({ comments }: VersionThreadsProps) {
  return (
    <aside aria-label="Comments in this version" className="history-threads" data-testid="history-threads">
      <h3 className="history-threads-title">Comments</h3>
      {comments === null ? (
        <p className="comments-note">Loading…</p>
      ) : !comments.recorded ? (
        <p className="comments-note" data-testid="history-threads-not-recorded">
          Comments not recorded for this version.
        </p>
      ) : comments.threads.length === 0 ? (
        <p className="comments-note">No comments in this version.</p>
      ) : (
        <ol className="comment-list">
          {comments.threads.map((thread) => (
            <li key={thread.id}>
              <VersionThread thread={thread} />
            </li>
          ))}
        </ol>
      )}
    </aside>
  )
}

function VersionThread({ thread }: { thread: CommentThreadView }) {
  return (
    <article
      className="comment-thread"
      data-detached={thread.detached}
      data-resolved={thread.resolved}
      data-testid="history-thread"
    >
      <blockquote className="comment-quote">{thread.quote}</blockquote>
      {thread.detached && <p className="comment-detached">Its text is not in this version</p>}
      {thread.resolved && (
        <p className="history-thread-resolved" data-testid="history-thread-resolved">
          Resolved
        </p>
      )}
      <ol className="comment-list">
        {thread.comments.map((comment) => (
          <li key={comment.id}>
            <div className="comment-meta">
              <CommentAuthorName authorId={comment.authorId} authorName={comment.authorName} />
              <time className="comment-time" dateTime={new Date(comment.createdAt).toISOString()}>
                {formatVersionTime(comment.createdAt)}
              </time>
            </div>
            <CommentBody body={comment.body} people={NO_PEOPLE} />
          </li>
        ))}
      </ol>
    </article>
  )
}
