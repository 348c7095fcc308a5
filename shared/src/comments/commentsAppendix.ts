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

/**
 * Every line break a reader may honour (CommonMark's \r and \n, and \v, \f, NEL, U+2028/2029 that
 * text tools split on) as one space: a comment is one line of the appendix and cannot start another
 * (a forged "Alice: Approved" line, a heading underlined with `===`).
 */
function oneLine(text: string): string {
  return text.replace(/[\r\n\v\f\u0085\u2028\u2029]+/g, ' ')
}

function escapeHtml(text: string): string {
  return oneLine(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

/**
 * Markdown specials escaped, so a comment cannot add links, images or headings to the export; on
 * one line, after a list item's text, so no block opener (`=`, `-`, `+`, `1.`) starts a line.
 */
function escapeMarkdown(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]<>#!|~=+-]/g, (char) => `\\${char}`)
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
          const lines = [`${i + 1}. "${oneLine(thread.quote)}"${note ? ` (${note})` : ''}`]
          for (const c of thread.comments) {
            lines.push(`   ${oneLine(authorOf(c))} (${stamp(c.createdAt)}): ${oneLine(c.body)}`)
          }
          return lines.join('\n')
        })
        .join('\n')}\n`
  }
}
