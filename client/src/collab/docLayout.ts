/**
 * The Yjs layout of a Tandem document, shared by the app, the embed and anyone seeding documents on
 * the server (docs/embedding.md describes it).
 */
import type * as Y from 'yjs'

/** Top-level Y.XmlText holding the Lexical tree (@lexical/yjs default root name, binding V1). */
export const LEXICAL_ROOT_NAME = 'root'

/** Top-level Y.Text holding the document title as plain text. */
export const TITLE_TEXT_NAME = 'title'

/** Key of the Y.Doc in the collaboration plugin's document map (does not appear in the Yjs data). */
export const COLLAB_DOC_ID = 'main'

/** The title's shared text. */
export function getTitleText(doc: Y.Doc): Y.Text {
  return doc.getText(TITLE_TEXT_NAME)
}
