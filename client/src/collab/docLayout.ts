/**
 * The Yjs layout of a Tandem document, shared by the app, the embed and anyone seeding documents on
 * the server (docs/embedding.md describes it).
 */
import { LEXICAL_ROOT_NAME, TITLE_TEXT_NAME } from '@tandem/shared'
import type * as Y from 'yjs'

export { LEXICAL_ROOT_NAME, TITLE_TEXT_NAME }

/** Key of the Y.Doc in the collaboration plugin's document map (does not appear in the Yjs data). */
export const COLLAB_DOC_ID = 'main'

/** The title's shared text. */
export function getTitleText(doc: Y.Doc): Y.Text {
  return doc.getText(TITLE_TEXT_NAME)
}
