/**
 * The `/` menu: typing `/` at the start of a block or after a space lists BLOCK_INSERTS, filtered by
 * what follows the slash. Keyboard-first through Lexical's typeahead menu (arrows, Enter or Tab,
 * Escape); the list is a listbox whose active option the editor names (aria-activedescendant).
 */
import { $isCodeNode } from '@lexical/code'
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import {
  LexicalTypeaheadMenuPlugin,
  MenuOption,
  type MenuTextMatch,
} from '@lexical/react/LexicalTypeaheadMenuPlugin'
import { $findMatchingParent } from '@lexical/utils'
import { $getSelection, $isRangeSelection, COLLABORATION_TAG, HISTORIC_TAG, type TextNode } from 'lexical'
import { type MouseEvent, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import { type BlockInsert, blockInsertsFor, entryForTypedQuery, matchBlockInserts } from './blockInserts'

/** Longest query after the slash; past it the slash is taken as text. */
const MAX_QUERY_LENGTH = 24
/** A slash at the start of the text or after whitespace, then a word (letters, digits, dashes). */
const SLASH_QUERY = new RegExp(`(^|\\s)/([\\p{L}\\p{N}-]{0,${MAX_QUERY_LENGTH}})$`, 'u')

/** The menu's accessible name; one menu is open at a time on a page. */
const MENU_LABEL_ID = 'tandem-insert-menu-label'

class BlockInsertOption extends MenuOption {
  constructor(readonly entry: BlockInsert) {
    super(entry.id)
  }
}

/**
 * The slash query ending at the caret, outside code blocks (where `/` is code). The typeahead plugin
 * calls it inside its read of the editor state, so the selection is readable here.
 */
export function $matchSlashQuery(text: string): MenuTextMatch | null {
  const match = SLASH_QUERY.exec(text)
  if (match === null) return null
  const selection = $getSelection()
  if ($isRangeSelection(selection) && $findMatchingParent(selection.anchor.getNode(), $isCodeNode) !== null) {
    return null
  }
  const lead = match[1] ?? ''
  const query = match[2] ?? ''
  return { leadOffset: match.index + lead.length, matchingString: query, replaceableString: `/${query}` }
}

export function SlashMenuPlugin({ canInsertImages = false }: { canInsertImages?: boolean }) {
  const [editor] = useLexicalComposerContext()
  const [query, setQuery] = useState<string | null>(null)
  // A slash someone else typed (or an undo brought back) right before this person's caret must not
  // open their menu, where their next Enter would insert a block. The typeahead re-reads the caret
  // after every update, so each update is classified first: a layout effect registers before the
  // typeahead's own (passive) effect, and update listeners run in registration order.
  const lastUpdateWasRemote = useRef(false)
  const menuOpen = useRef(false)
  useLayoutEffect(
    () =>
      editor.registerUpdateListener(({ tags }) => {
        lastUpdateWasRemote.current = tags.has(COLLABORATION_TAG) || tags.has(HISTORIC_TAG)
      }),
    [editor],
  )
  const triggerFn = useCallback((text: string) => {
    // An open menu stays open through others' edits; only this person's typing opens one.
    if (lastUpdateWasRemote.current && !menuOpen.current) return null
    return $matchSlashQuery(text)
  }, [])
  const inserts = useMemo(() => blockInsertsFor({ canInsertImages }), [canInsertImages])
  const options = useMemo(
    () => matchBlockInserts(query ?? '', inserts).map((entry) => new BlockInsertOption(entry)),
    [query, inserts],
  )

  const onSelectOption = useCallback(
    (option: BlockInsertOption, queryNode: TextNode | null, closeMenu: () => void) => {
      // Called inside an update, which reads the text as typed now (the list may be a render behind).
      const typed = queryNode?.getTextContent().replace(/^\//, '') ?? ''
      const entry = entryForTypedQuery(option.entry, typed, inserts)
      closeMenu()
      if (entry === null) return
      // The typed `/query` goes, then the entry runs at the caret.
      queryNode?.remove()
      entry.run(editor)
    },
    // Stable while the menu is open: the typeahead re-registers its keys when this changes.
    [editor, inserts],
  )

  return (
    <LexicalTypeaheadMenuPlugin<BlockInsertOption>
      anchorClassName="tandem-insert-anchor"
      menuRenderFn={(
        anchor,
        { options: shown, selectedIndex, selectOptionAndCleanUp, setHighlightedIndex },
      ) =>
        anchor.current === null
          ? null
          : createPortal(
              <InsertMenu
                container={anchor.current}
                onChoose={(index) => {
                  const option = shown[index]
                  if (option === undefined) return
                  setHighlightedIndex(index)
                  selectOptionAndCleanUp(option)
                }}
                onHover={setHighlightedIndex}
                options={shown}
                selectedIndex={selectedIndex}
              />,
              anchor.current,
            )
      }
      onClose={() => {
        menuOpen.current = false
      }}
      onOpen={() => {
        menuOpen.current = true
      }}
      onQueryChange={setQuery}
      onSelectOption={onSelectOption}
      options={options}
      triggerFn={triggerFn}
    />
  )
}

interface InsertMenuProps {
  container: HTMLElement
  options: BlockInsertOption[]
  selectedIndex: number | null
  onChoose: (index: number) => void
  onHover: (index: number) => void
}

function InsertMenu({ container, options, selectedIndex, onChoose, onHover }: InsertMenuProps) {
  // Only a pointer that moves takes the highlight from the arrow keys. A menu that opens, or
  // re-renders, under a resting pointer gets mouse events without any movement (Chromium sends them
  // after layout): with mouseenter the item under the pointer won back the highlight after every
  // arrow key, whenever the menu happened to open under it (a narrow window, below the caret).
  const pointer = useRef<{ x: number; y: number } | null>(null)
  const hoverIfMoved = (index: number, event: MouseEvent) => {
    const last = pointer.current
    pointer.current = { x: event.clientX, y: event.clientY }
    if (last !== null && (last.x !== event.clientX || last.y !== event.clientY)) onHover(index)
  }
  // Lexical makes the anchor the listbox (role, and the id the editor's aria-controls names) and sets
  // its aria-label to "Typeahead menu" whenever it moves; aria-labelledby takes precedence over it.
  useEffect(() => {
    container.setAttribute('aria-labelledby', MENU_LABEL_ID)
    container.dataset.testid = 'insert-menu'
  }, [container])
  return (
    <div className="tandem-insert-menu">
      <span className="tandem-visually-hidden" id={MENU_LABEL_ID}>
        Insert
      </span>
      {options.length === 0 ? (
        <p className="tandem-insert-empty">No matching blocks</p>
      ) : (
        options.map((option, index) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard drives the menu from the editor (arrows, Enter).
          <div
            aria-selected={selectedIndex === index}
            className="tandem-insert-option"
            data-testid={`insert-${option.entry.id}`}
            id={`typeahead-item-${index}`}
            key={option.key}
            // Keep the editor's caret: the option must not take focus.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => onChoose(index)}
            onMouseMove={(event) => hoverIfMoved(index, event)}
            ref={option.setRefElement}
            role="option"
            tabIndex={-1}
          >
            <span aria-hidden="true" className="tandem-insert-icon">
              {option.entry.icon()}
            </span>
            {option.entry.label}
          </div>
        ))
      )}
    </div>
  )
}
