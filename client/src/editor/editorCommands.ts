/** Tandem's own Lexical commands. */
import { createCommand, type LexicalCommand } from 'lexical'
import type { EditorAction } from './editorActions'

/** Runs a toolbar action (the toolbar owns the link editor, so shortcuts route through it). */
export const RUN_EDITOR_ACTION_COMMAND: LexicalCommand<EditorAction> =
  createCommand('TANDEM_RUN_EDITOR_ACTION')
