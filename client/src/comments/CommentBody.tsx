/** A comment's text with `@name` mentions of the document's people highlighted. */
import { splitMentions } from './readThreads'

export function CommentBody({ body, people }: { body: string; people: readonly string[] }) {
  return (
    <p className="comment-body" data-testid="comment-body">
      {splitMentions(body, people).map((part, index) =>
        part.mention ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one immutable string
          <span className="comment-mention" data-testid="comment-mention" key={index}>
            {part.text}
          </span>
        ) : (
          part.text
        ),
      )}
    </p>
  )
}
