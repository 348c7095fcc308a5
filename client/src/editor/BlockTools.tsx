/**
 * The toolbar's tools for the block the caret is in: rows, columns and the header row of a table;
 * the language of a code block. Shown only there, so the toolbar stays short elsewhere.
 */
import { $isCodeNode } from '@lexical/code'
import {
  $deleteTableColumnAtSelection,
  $deleteTableRowAtSelection,
  $insertTableColumnAtSelection,
  $insertTableRowAtSelection,
  $isTableNode,
  $setTableRowIsHeader,
} from '@lexical/table'
import { $getNodeByKey, type LexicalEditor } from 'lexical'
import type { JSX } from 'react'
import { CODE_LANGUAGES, codeLanguageLabel } from './code/codeLanguages'
import type { CaretContext } from './useCaretContext'

interface TableTool {
  testId: string
  label: string
  /** Short visible text; the label is the accessible name and tooltip. */
  text: string
  run: () => void
}

const TABLE_TOOLS: readonly TableTool[] = [
  {
    testId: 'table-row-above',
    label: 'Insert row above',
    text: '+ Row ↑',
    run: () => $insertTableRowAtSelection(false),
  },
  {
    testId: 'table-row-below',
    label: 'Insert row below',
    text: '+ Row ↓',
    run: () => $insertTableRowAtSelection(true),
  },
  {
    testId: 'table-column-left',
    label: 'Insert column left',
    text: '+ Col ←',
    run: () => $insertTableColumnAtSelection(false),
  },
  {
    testId: 'table-column-right',
    label: 'Insert column right',
    text: '+ Col →',
    run: () => $insertTableColumnAtSelection(true),
  },
  { testId: 'table-delete-row', label: 'Delete row', text: '− Row', run: $deleteTableRowAtSelection },
  {
    testId: 'table-delete-column',
    label: 'Delete column',
    text: '− Col',
    run: $deleteTableColumnAtSelection,
  },
]

export interface BlockToolsProps {
  editor: LexicalEditor
  context: CaretContext
  disabled: boolean
}

export function BlockTools({ editor, context, disabled }: BlockToolsProps): JSX.Element | null {
  const { table, code } = context
  if (table === null && code === null) return null
  const keepSelection = (event: { preventDefault(): void }) => event.preventDefault()
  return (
    <div className="tandem-toolbar-tools tandem-toolbar-context" data-testid="block-tools">
      {table !== null && (
        <fieldset
          aria-label="Table"
          className="tandem-tool-group tandem-block-tools"
          data-testid="table-tools"
        >
          {TABLE_TOOLS.map((tool) => (
            <button
              aria-label={tool.label}
              className="tandem-tool tandem-tool-text"
              data-testid={tool.testId}
              disabled={disabled}
              key={tool.testId}
              onClick={() => editor.update(tool.run)}
              onMouseDown={keepSelection}
              title={tool.label}
              type="button"
            >
              {tool.text}
            </button>
          ))}
          <button
            aria-label="Header row"
            aria-pressed={table.headerRow}
            className={
              table.headerRow
                ? 'tandem-tool tandem-tool-text tandem-tool-active'
                : 'tandem-tool tandem-tool-text'
            }
            data-testid="table-header-row"
            disabled={disabled}
            onClick={() =>
              editor.update(() => {
                const node = $getNodeByKey(table.key)
                if ($isTableNode(node)) $setTableRowIsHeader(node, 0, !table.headerRow)
              })
            }
            onMouseDown={keepSelection}
            title="Header row"
            type="button"
          >
            Header
          </button>
          <button
            aria-label="Delete table"
            className="tandem-tool tandem-tool-text"
            data-testid="table-delete"
            disabled={disabled}
            onClick={() =>
              editor.update(() => {
                const node = $getNodeByKey(table.key)
                if (!$isTableNode(node)) return
                // Leave the caret where the table stood.
                const next = node.getNextSibling() ?? node.getPreviousSibling()
                node.remove()
                next?.selectStart()
              })
            }
            onMouseDown={keepSelection}
            title="Delete table"
            type="button"
          >
            Delete table
          </button>
        </fieldset>
      )}
      {code !== null && (
        <div className="tandem-tool-group tandem-block-tools">
          <label className="tandem-block-tools-label" htmlFor="tandem-code-language">
            Language
          </label>
          <select
            className="tandem-code-language"
            data-testid="code-language"
            id="tandem-code-language"
            disabled={disabled}
            onChange={(event) => {
              const language = event.target.value
              editor.update(() => {
                const node = $getNodeByKey(code.key)
                if ($isCodeNode(node)) node.setLanguage(language === '' ? undefined : language)
              })
            }}
            value={code.language ?? ''}
          >
            {/* A language stored by another client that this list lacks stays selectable as is. */}
            {code.language !== undefined &&
              !CODE_LANGUAGES.some((language) => language.id === code.language) && (
                <option value={code.language}>{codeLanguageLabel(code.language)}</option>
              )}
            {CODE_LANGUAGES.map((language) => (
              <option key={language.id} value={language.id}>
                {language.label}
              </option>
            ))}
          </select>
        </div>
      )}
    </div>
  )
}
