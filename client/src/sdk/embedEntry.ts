/**
 * Entry of the one-script embed bundle (`/sdk/tandem-embed.js`, global `TandemEmbed`): React, Lexical,
 * Yjs and the styles are all inside, so a host page needs nothing but the script tag.
 */

import { type MountEditorOptions, type MountedEditor, mountEditor as mount } from '../lib/mountEditor'
import editorStyles from '../styles/editor.css?inline'

const STYLE_ELEMENT_ID = 'tandem-editor-styles'

/** Adds the editor's stylesheet to the page once. */
function injectStyles(): void {
  if (document.getElementById(STYLE_ELEMENT_ID) !== null) return
  const style = document.createElement('style')
  style.id = STYLE_ELEMENT_ID
  style.textContent = editorStyles
  document.head.appendChild(style)
}

/** Mounts the editor into `element`; see docs/embedding.md for the options. */
export function mountEditor(element: HTMLElement, options: MountEditorOptions): MountedEditor {
  injectStyles()
  return mount(element, options)
}

export type { MountEditorOptions, MountedEditor }
