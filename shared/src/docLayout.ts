/** The Yjs layout of a Tandem document: what the web app edits and what the server may seed. */

/**
 * Top-level Y.XmlElement holding the Lexical tree, as `@lexical/yjs`'s V2 binding writes it (its
 * default root name). docs/architecture.md says why Tandem uses V2.
 */
export const LEXICAL_ROOT_NAME = 'root-v2'

/**
 * Top-level Y.XmlText where the V1 binding kept the tree (documents written before the switch). The
 * server migrates such a document to `LEXICAL_ROOT_NAME` once, on load, and leaves this tree as it was.
 */
export const LEGACY_V1_ROOT_NAME = 'root'

/** Top-level Y.Text holding the document title as plain text. */
export const TITLE_TEXT_NAME = 'title'
