/**
 * Library entry (`@tandem/client`): the React component, the framework-free mount function and the
 * pieces a host needs to build its own chrome. Import `@tandem/client/style.css` once.
 */
import '../styles/editor.css'

export { LEXICAL_ROOT_NAME, TITLE_TEXT_NAME } from '@tandem/shared'
export { EDITOR_NODES } from '@tandem/shared/editorNodes'
export type { CollabSession, CollabSessionOptions } from '../collab/CollabSession'
export { createCollabSession } from '../collab/CollabSession'
export type {
  ConnectionState,
  ConnectionStatus,
  StopReason,
  TokenRefreshReason,
  TokenSource,
} from '../collab/ConnectionController'
export {
  CollaborativeEditor,
  type CollaborativeEditorProps,
  type EditorParts,
  type EditorStatus,
} from '../editor/CollaborativeEditor'
export {
  INSERT_IMAGE_COMMAND,
  PICK_IMAGE_COMMAND,
  UPLOAD_IMAGES_COMMAND,
} from '../images/imageCommands'
export { type MountEditorOptions, type MountedEditor, mountEditor } from './mountEditor'
