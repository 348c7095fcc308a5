/** The formatting toolbar: reflects the selection and dispatches editor actions (EditorActionsPlugin runs them). */
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { IS_APPLE } from '@lexical/utils'
import { type BaseSelection, COMMAND_PRIORITY_EDITOR, type LexicalCommand, type LexicalEditor } from 'lexical'
import { type JSX, type ReactNode, useEffect, useState } from 'react'
import { ADD_COMMENT_COMMAND } from '../comments/commentCommands'
import { PICK_IMAGE_COMMAND } from '../images/imageCommands'
import { BlockTools } from './BlockTools'
import { type BlockType, type EditorAction, setLink, type TextFormat } from './editorActions'
import { OPEN_LINK_EDITOR_COMMAND, RUN_EDITOR_ACTION_COMMAND } from './editorCommands'
import {
  BulletListIcon,
  CheckListIcon,
  CodeBlockIcon,
  CommentIcon,
  DividerIcon,
  ImageIcon,
  InlineCodeIcon,
  LinkIcon,
  NumberListIcon,
  ParagraphIcon,
  QuoteIcon,
  RedoIcon,
  TableIcon,
  UndoIcon,
} from './icons'
import { LinkEditor } from './LinkEditor'
import { BUILT_IN_SHORTCUT_LABELS, formatShortcutLabel, SHORTCUTS } from './shortcuts'
import { useCaretContext } from './useCaretContext'
import { useSelectionFormat, useUndoState } from './useSelectionFormat'

interface ButtonSpec {
  testId: string
  label: string
  content: JSX.Element | string
  action: EditorAction
}

type BlockButton = ButtonSpec & { block: BlockType }
type FormatButton = ButtonSpec & { format: TextFormat }

const blockButton = (
  testId: string,
  label: string,
  content: JSX.Element | string,
  block: BlockType,
): BlockButton => ({
  testId,
  label,
  content,
  block,
  action: { type: 'block', block },
})

const formatButton = (
  testId: string,
  label: string,
  content: JSX.Element,
  format: TextFormat,
): FormatButton => ({
  testId,
  label,
  content,
  format,
  action: { type: 'format', format },
})

const HEADING_BUTTONS: readonly BlockButton[] = [
  blockButton('toolbar-paragraph', 'Paragraph', <ParagraphIcon />, 'paragraph'),
  blockButton('toolbar-h1', 'Heading 1', 'H1', 'h1'),
  blockButton('toolbar-h2', 'Heading 2', 'H2', 'h2'),
  blockButton('toolbar-h3', 'Heading 3', 'H3', 'h3'),
]

const FORMAT_BUTTONS: readonly FormatButton[] = [
  formatButton('toolbar-bold', 'Bold', <b>B</b>, 'bold'),
  formatButton('toolbar-italic', 'Italic', <i>I</i>, 'italic'),
  formatButton('toolbar-underline', 'Underline', <u>U</u>, 'underline'),
  formatButton('toolbar-strikethrough', 'Strikethrough', <s>S</s>, 'strikethrough'),
  formatButton('toolbar-code', 'Inline code', <InlineCodeIcon />, 'code'),
]

const LIST_AND_BLOCK_BUTTONS: readonly BlockButton[] = [
  blockButton('toolbar-bullet', 'Bulleted list', <BulletListIcon />, 'bullet'),
  blockButton('toolbar-number', 'Numbered list', <NumberListIcon />, 'number'),
  blockButton('toolbar-check', 'Check list', <CheckListIcon />, 'check'),
  blockButton('toolbar-quote', 'Quote', <QuoteIcon />, 'quote'),
  blockButton('toolbar-codeblock', 'Code block', <CodeBlockIcon />, 'code'),
]

const INSERT_BUTTONS: readonly ButtonSpec[] = [
  {
    testId: 'toolbar-table',
    label: 'Insert table',
    content: <TableIcon />,
    action: { type: 'insert', id: 'table' },
  },
  {
    testId: 'toolbar-divider',
    label: 'Insert divider',
    content: <DividerIcon />,
    action: { type: 'insert', id: 'divider' },
  },
]

/** Tooltip text: the label plus its shortcut on this platform. */
function tooltip(label: string, action: EditorAction): string {
  const shortcut = SHORTCUTS.find((candidate) => sameAction(candidate.action, action))?.label
  const builtIn =
    action.type === 'format' && action.format in BUILT_IN_SHORTCUT_LABELS
      ? BUILT_IN_SHORTCUT_LABELS[action.format as keyof typeof BUILT_IN_SHORTCUT_LABELS]
      : action.type === 'undo' || action.type === 'redo'
        ? BUILT_IN_SHORTCUT_LABELS[action.type]
        : undefined
  const keys = shortcut ?? builtIn
  return keys === undefined ? label : `${label} (${formatShortcutLabel(keys, IS_APPLE)})`
}

function sameAction(a: EditorAction, b: EditorAction): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

export interface ToolbarProps {
  /** Disables every control (e.g. while the connection is stopped). */
  disabled?: boolean
  /** Shows the image button (ImagePlugin handles PICK_IMAGE_COMMAND). Default false. */
  canInsertImages?: boolean
}

export function Toolbar({ disabled = false, canInsertImages = false }: ToolbarProps) {
  const [editor] = useLexicalComposerContext()
  const format = useSelectionFormat(editor)
  const { canUndo, canRedo } = useUndoState(editor)
  const caret = useCaretContext(editor)
  /** Selection captured when the link editor opened; focus moves to its input. */
  const [linkSelection, setLinkSelection] = useState<{ selection: BaseSelection | null } | null>(null)

  // EditorActionsPlugin runs the actions; the toolbar only owns the link editor they may open.
  useEffect(
    () =>
      editor.registerCommand(
        OPEN_LINK_EDITOR_COMMAND,
        (selection) => {
          setLinkSelection({ selection })
          return true
        },
        COMMAND_PRIORITY_EDITOR,
      ),
    [editor],
  )

  const button = (spec: ButtonSpec, active: boolean, enabled = true) => (
    <button
      aria-label={spec.label}
      aria-pressed={active}
      className={active ? 'tandem-tool tandem-tool-active' : 'tandem-tool'}
      data-active={active}
      data-testid={spec.testId}
      disabled={disabled || !enabled}
      key={spec.testId}
      // Keep the editor's selection: a focused button would take it.
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => editor.dispatchCommand(RUN_EDITOR_ACTION_COMMAND, spec.action)}
      title={tooltip(spec.label, spec.action)}
      type="button"
    >
      {spec.content}
    </button>
  )

  return (
    <div aria-label="Formatting" className="tandem-toolbar" data-testid="toolbar" role="toolbar">
      <div className="tandem-toolbar-tools" data-testid="toolbar-tools">
        <div className="tandem-tool-group">
          {button(
            { testId: 'toolbar-undo', label: 'Undo', content: <UndoIcon />, action: { type: 'undo' } },
            false,
            canUndo,
          )}
          {button(
            { testId: 'toolbar-redo', label: 'Redo', content: <RedoIcon />, action: { type: 'redo' } },
            false,
            canRedo,
          )}
        </div>
        <div className="tandem-tool-group">
          {HEADING_BUTTONS.map((spec) => button(spec, format.block === spec.block))}
        </div>
        <div className="tandem-tool-group">
          {FORMAT_BUTTONS.map((spec) => button(spec, format.formats.has(spec.format)))}
          {button(
            { testId: 'toolbar-link', label: 'Link', content: <LinkIcon />, action: { type: 'link' } },
            format.isLink,
          )}
        </div>
        <div className="tandem-tool-group">
          {LIST_AND_BLOCK_BUTTONS.map((spec) => button(spec, format.block === spec.block))}
        </div>
        {canInsertImages && (
          <div className="tandem-tool-group">
            <CommandTool
              command={PICK_IMAGE_COMMAND}
              disabled={disabled}
              editor={editor}
              label="Insert image"
              testId="toolbar-image"
              title="Insert image (or paste or drop one)"
            >
              <ImageIcon />
            </CommandTool>
          </div>
        )}
        <div className="tandem-tool-group">{INSERT_BUTTONS.map((spec) => button(spec, false))}</div>
        <div className="tandem-tool-group">
          <CommandTool
            command={ADD_COMMENT_COMMAND}
            disabled={disabled}
            editor={editor}
            label="Comment"
            testId="toolbar-comment"
            title={`Comment (${IS_APPLE ? '⌘⌥M' : 'Ctrl+Alt+M'})`}
          >
            <CommentIcon />
          </CommandTool>
        </div>
      </div>
      <BlockTools context={caret} disabled={disabled} editor={editor} />
      {linkSelection !== null && (
        <LinkEditor
          onCancel={() => {
            setLinkSelection(null)
            editor.focus()
          }}
          onSubmit={(url) => {
            setLink(editor, linkSelection.selection, url)
            setLinkSelection(null)
          }}
        />
      )}
    </div>
  )
}

interface CommandToolProps {
  readonly command: LexicalCommand<void>
  readonly editor: LexicalEditor
  readonly disabled: boolean
  readonly label: string
  readonly testId: string
  readonly title: string
  readonly children: ReactNode
}

/** A tool that dispatches a command; mousedown is prevented so the editor keeps its selection. */
function CommandTool({ command, editor, disabled, label, testId, title, children }: CommandToolProps) {
  return (
    <button
      aria-label={label}
      className="tandem-tool"
      data-testid={testId}
      disabled={disabled}
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => editor.dispatchCommand(command, undefined)}
      title={title}
      type="button"
    >
      {children}
    </button>
  )
}
