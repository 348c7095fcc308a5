/** Tandem's own Lexical commands. */
import { type BaseSelection, createCommand, type LexicalCommand } from 'lexical'
import type { EditorAction } from './editorActions'

/** Runs an editor action (toolbar buttons and keyboard shortcuts); `EditorActionsPlugin` handles it. */
export const RUN_EDITOR_ACTION_COMMAND: LexicalCommand<EditorAction> =
  createCommand('TANDEM_RUN_EDITOR_ACTION')

/**
 * Asks the toolbar to open its link editor for `selection` (captured when the link action ran, since
 * focus then moves to the link editor's input).
 */
export const OPEN_LINK_EDITOR_COMMAND: LexicalCommand<BaseSelection | null> =
  createCommand('TANDEM_OPEN_LINK_EDITOR')
