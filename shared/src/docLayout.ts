/** The Yjs layout of a Tandem document: what the web app edits and what the server may seed. */

/** Top-level Y.XmlText holding the Lexical tree (@lexical/yjs default root name, binding V1). */
export const LEXICAL_ROOT_NAME = 'root'

/** Top-level Y.Text holding the document title as plain text. */
export const TITLE_TEXT_NAME = 'title'
