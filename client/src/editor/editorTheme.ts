/** Lexical theme: every class is `tandem-` prefixed so embedded editors do not clash with host styles. */
import type { EditorThemeClasses } from 'lexical'

export const editorTheme: EditorThemeClasses = {
  root: 'tandem-content',
  paragraph: 'tandem-paragraph',
  quote: 'tandem-quote',
  code: 'tandem-code-block',
  link: 'tandem-link',
  image: 'tandem-image-block',
  hr: 'tandem-hr',
  hrSelected: 'tandem-hr-selected',
  table: 'tandem-table',
  tableRow: 'tandem-table-row',
  tableCell: 'tandem-table-cell',
  tableCellHeader: 'tandem-table-cell-header',
  tableSelection: 'tandem-table-selection',
  tableCellSelected: 'tandem-table-cell-selected',
  tableScrollableWrapper: 'tandem-table-scroll',
  heading: { h1: 'tandem-h1', h2: 'tandem-h2', h3: 'tandem-h3' },
  list: {
    ul: 'tandem-ul',
    ol: 'tandem-ol',
    checklist: 'tandem-checklist',
    listitem: 'tandem-li',
    listitemChecked: 'tandem-li-checked',
    listitemUnchecked: 'tandem-li-unchecked',
    nested: { listitem: 'tandem-li-nested' },
  },
  text: {
    bold: 'tandem-bold',
    italic: 'tandem-italic',
    underline: 'tandem-underline',
    strikethrough: 'tandem-strikethrough',
    underlineStrikethrough: 'tandem-underline-strikethrough',
    code: 'tandem-inline-code',
  },
  // Remote carets and selections (@lexical/yjs); also the e2e suite's selectors.
  collaboration: {
    cursor: 'tandem-caret',
    cursorName: 'tandem-caret-name',
    selection: 'tandem-remote-selection',
    selectionBg: 'tandem-remote-selection-bg',
  },
}
