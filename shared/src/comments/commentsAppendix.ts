/**
 * Comment threads as an appendix of an exported document (Markdown, HTML or plain text): the same
 * for the browser's download and the server's content API (`?comments=1`).
 */
import { describeCommentAuthor } from './commentAuthor'
import type { CommentEntry } from './commentsLayout'

/** What an appendix shows of one thread. */
export interface AppendixThread {
  readonly quote: string
  readonly resolved: boolean
  /** Its text was deleted entirely. */
  readonly detached: boolean
  readonly comments: readonly (Pick<CommentEntry, 'authorName' | 'body' | 'createdAt'> & {
    /** With it, a guest's typed name carries its tag (describeCommentAuthor). */
    readonly authorId?: string
  })[]
}

/** The author as an export names them: a guest's typed name with its tag, as the panel shows it. */
function authorOf(comment: AppendixThread['comments'][number]): string {
  return comment.authorId === undefined
    ? comment.authorName
    : describeCommentAuthor(comment.authorId, comment.authorName).label
}

export type AppendixFormat = 'markdown' | 'html' | 'text'

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')

function state(thread: AppendixThread): string {
  return [thread.resolved ? 'resolved' : '', thread.detached ? 'text deleted' : ''].filter(Boolean).join(', ')
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

/** Markdown specials escaped, so a comment cannot add links, images or headings to the export. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#!|~]/g, (char) => `\\${char}`).replace(/\n+/g, ' ')
}

/** The appendix, or '' when there are no threads. Threads in the order given. */
export function writeCommentsAppendix(threads: readonly AppendixThread[], format: AppendixFormat): string {
  if (threads.length === 0) return ''
  switch (format) {
    case 'markdown':
      return `\n\n## Comments\n\n${threads
        .map((thread, i) => {
          const note = state(thread)
          const lines = [`${i + 1}. > ${escapeMarkdown(thread.quote)}${note ? ` _(${note})_` : ''}`]
          for (const c of thread.comments) {
            lines.push(
              `   - **${escapeMarkdown(authorOf(c))}** (${stamp(c.createdAt)}): ${escapeMarkdown(c.body)}`,
            )
          }
          return lines.join('\n')
        })
        .join('\n')}\n`
    case 'html':
      return `\n<section class="comments"><h2>Comments</h2><ol>${threads
        .map((thread) => {
          const note = state(thread)
          const comments = thread.comments
            .map(
              (c) =>
                `<li><strong>${escapeHtml(authorOf(c))}</strong> <time>${stamp(c.createdAt)}</time>: ${escapeHtml(c.body)}</li>`,
            )
            .join('')
          return `<li><blockquote>${escapeHtml(thread.quote)}</blockquote>${note ? `<p><em>${note}</em></p>` : ''}<ul>${comments}</ul></li>`
        })
        .join('')}</ol></section>\n`
    case 'text':
      return `\n\nComments\n\n${threads
        .map((thread, i) => {
          const note = state(thread)
          const lines = [`${i + 1}. "${thread.quote}"${note ? ` (${note})` : ''}`]
          for (const c of thread.comments) lines.push(`   ${authorOf(c)} (${stamp(c.createdAt)}): ${c.body}`)
          return lines.join('\n')
        })
        .join('\n')}\n`
  }
}
