/** Opens a new comment on the editor's selection (toolbar button, Ctrl/Cmd+Alt+M); CommentsPanel handles it. */
import { createCommand, type LexicalCommand } from 'lexical'

export const ADD_COMMENT_COMMAND: LexicalCommand<void> = createCommand('ADD_COMMENT_COMMAND')

/** Ctrl+Alt+M (Cmd+Option+M on a Mac), as in Google Docs. */
export function isAddCommentShortcut(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && event.altKey && !event.shiftKey && event.code === 'KeyM'
}
