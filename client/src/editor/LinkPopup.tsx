/**
 * The bubble under a link holding the caret or selection, for editors: the URL, Open (a new tab,
 * as Ctrl/Cmd+click does), Edit and Remove (issue 15, item 9). It follows the DOM right after the
 * content, so Tab from a caret in a link reaches it; Escape closes it; Alt+Enter opens the link.
 */
import { $isLinkNode, type LinkNode } from '@lexical/link'
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { $findMatchingParent, mergeRegister } from '@lexical/utils'
import {
  $getNodeByKey,
  $getSelection,
  $isRangeSelection,
  COMMAND_PRIORITY_HIGH,
  COMMAND_PRIORITY_LOW,
  KEY_DOWN_COMMAND,
  KEY_ESCAPE_COMMAND,
  type LexicalEditor,
  type NodeKey,
} from 'lexical'
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import { normalizeLinkUrl } from './editorActions'
import { LinkEditor } from './LinkEditor'
import { openLinkInNewTab } from './OpenLinksPlugin'

/** Gap between the link's line and the bubble. */
const GAP_PX = 6
/** Space kept between the bubble and the surface's edges. */
const EDGE_PX = 8

interface LinkAtSelection {
  key: NodeKey
  url: string
}

/** The one link both ends of the selection are in, if any. */
function $linkAtSelection(): LinkAtSelection | null {
  const selection = $getSelection()
  if (!$isRangeSelection(selection)) return null
  const anchor = $findMatchingParent(selection.anchor.getNode(), $isLinkNode)
  const focus = $findMatchingParent(selection.focus.getNode(), $isLinkNode)
  if (anchor === null || focus === null || !anchor.is(focus)) return null
  return { key: anchor.getKey(), url: anchor.getURL() }
}

function $linkNode(key: NodeKey): LinkNode | null {
  const node = $getNodeByKey(key)
  return $isLinkNode(node) ? node : null
}

/** Replaces the link by its text; the caret stays where it was. */
function removeLink(editor: LexicalEditor, key: NodeKey): void {
  editor.update(() => {
    const link = $linkNode(key)
    if (link === null) return
    for (const child of link.getChildren()) link.insertBefore(child)
    link.remove()
  })
}

function changeLinkUrl(editor: LexicalEditor, key: NodeKey, url: string): void {
  editor.update(() => $linkNode(key)?.setURL(url))
}

export function LinkPopup(): React.JSX.Element | null {
  const [editor] = useLexicalComposerContext()
  const [link, setLink] = useState<LinkAtSelection | null>(null)
  /** The link whose bubble Escape closed; it stays closed until the caret leaves that link. */
  const [dismissed, setDismissed] = useState<NodeKey | null>(null)
  const [editing, setEditing] = useState(false)
  /** Focus is in the content or the bubble: a caret left in a link elsewhere shows nothing. */
  const [focused, setFocused] = useState(false)
  const [position, setPosition] = useState<{ top: number; left: number } | null>(null)
  const popupRef = useRef<HTMLDivElement>(null)

  const visible = link !== null && dismissed !== link.key && (focused || editing) && editor.isEditable()

  useEffect(
    () =>
      mergeRegister(
        editor.registerUpdateListener(({ editorState }) => {
          const next = editorState.read(() => $linkAtSelection())
          setLink((current) => (current?.key === next?.key && current?.url === next?.url ? current : next))
          // Any edit or remote change may move the link: measure again.
          setPosition(null)
        }),
        editor.registerEditableListener(() =>
          setLink((current) => (current === null ? null : { ...current })),
        ),
      ),
    [editor],
  )

  // Leaving the link ends both the dismissal and an unfinished edit.
  useEffect(() => {
    setDismissed((current) => (current === link?.key ? current : null))
    if (link === null) setEditing(false)
  }, [link])

  useEffect(() => {
    const root = editor.getRootElement()
    const surface = root?.parentElement
    if (root == null || surface == null) return undefined
    const within = (target: EventTarget | null) =>
      target instanceof Node && (root.contains(target) || popupRef.current?.contains(target) === true)
    const onFocusIn = (event: FocusEvent) => setFocused(within(event.target))
    const onFocusOut = (event: FocusEvent) => setFocused(within(event.relatedTarget))
    setFocused(within(root.ownerDocument.activeElement))
    surface.addEventListener('focusin', onFocusIn)
    surface.addEventListener('focusout', onFocusOut)
    return () => {
      surface.removeEventListener('focusin', onFocusIn)
      surface.removeEventListener('focusout', onFocusOut)
    }
  }, [editor])

  const open = useCallback((url: string) => openLinkInNewTab(url), [])
  const close = useCallback(() => {
    if (link !== null) setDismissed(link.key)
    setEditing(false)
    editor.focus()
  }, [editor, link])

  // Escape in the content closes the bubble (and keeps the caret); Alt+Enter opens the link.
  useEffect(
    () =>
      mergeRegister(
        editor.registerCommand(
          KEY_ESCAPE_COMMAND,
          () => {
            if (!visible || link === null) return false
            setDismissed(link.key)
            return true
          },
          COMMAND_PRIORITY_LOW,
        ),
        editor.registerCommand(
          KEY_DOWN_COMMAND,
          (event) => {
            if (link === null || event.key !== 'Enter' || !event.altKey) return false
            event.preventDefault()
            open(link.url)
            return true
          },
          COMMAND_PRIORITY_HIGH,
        ),
      ),
    [editor, link, visible, open],
  )

  // The URL form is wider than the buttons: place the bubble again when switching.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `editing` is the trigger, not an input.
  useLayoutEffect(() => setPosition(null), [editing])

  // Placed under the link, kept inside the surface (a phone is narrower than a long URL).
  useLayoutEffect(() => {
    if (!visible || position !== null) return
    const element = editor.getElementByKey(link.key)
    const surface = editor.getRootElement()?.parentElement
    const popup = popupRef.current
    if (element == null || surface == null || popup === null) return
    const box = element.getBoundingClientRect()
    const frame = surface.getBoundingClientRect()
    const widest = frame.width - popup.offsetWidth - EDGE_PX
    setPosition({
      top: box.bottom - frame.top + GAP_PX,
      left: Math.max(EDGE_PX, Math.min(box.left - frame.left, widest)),
    })
  })

  useEffect(() => {
    if (!visible) return undefined
    const remeasure = () => setPosition(null)
    window.addEventListener('resize', remeasure)
    return () => window.removeEventListener('resize', remeasure)
  }, [visible])

  if (!visible) return null
  const safeUrl = normalizeLinkUrl(link.url)
  return (
    <div
      aria-label="Link"
      className="tandem-link-popup"
      data-testid="link-popup"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !editing) {
          event.preventDefault()
          close()
        }
      }}
      ref={popupRef}
      role="toolbar"
      style={position ?? { visibility: 'hidden' }}
    >
      {editing ? (
        <LinkEditor
          initialUrl={link.url}
          onCancel={() => {
            setEditing(false)
            editor.focus()
          }}
          onSubmit={(url) => {
            changeLinkUrl(editor, link.key, url)
            setEditing(false)
            editor.focus()
          }}
        />
      ) : (
        <>
          <span className="tandem-link-popup-url" data-testid="link-popup-url" title={link.url}>
            {link.url}
          </span>
          {/* mousedown would move focus out of the content and lose the caret. */}
          <button
            className="tandem-button"
            data-testid="link-popup-open"
            disabled={safeUrl === null}
            onClick={() => safeUrl !== null && open(safeUrl)}
            onMouseDown={(event) => event.preventDefault()}
            title="Open in a new tab (Alt+Enter)"
            type="button"
          >
            Open
          </button>
          <button
            className="tandem-button"
            data-testid="link-popup-edit"
            onClick={() => setEditing(true)}
            onMouseDown={(event) => event.preventDefault()}
            type="button"
          >
            Edit
          </button>
          <button
            className="tandem-button"
            data-testid="link-popup-remove"
            onClick={() => {
              removeLink(editor, link.key)
              editor.focus()
            }}
            onMouseDown={(event) => event.preventDefault()}
            type="button"
          >
            Remove
          </button>
        </>
      )}
    </div>
  )
}
