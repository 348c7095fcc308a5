/**
 * How an image node looks and is edited: the picture (from a signed URL), its caption and alt text,
 * a resize handle (pointer and keyboard), and for an image pasted from elsewhere a placeholder with
 * its source link and a button to upload a copy.
 */
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { useLexicalEditable } from '@lexical/react/useLexicalEditable'
import { useLexicalNodeSelection } from '@lexical/react/useLexicalNodeSelection'
import { mergeRegister } from '@lexical/utils'
import { UPLOAD_IMAGE_TYPES } from '@tandem/shared'
import {
  $isImageNode,
  type ImageFields,
  MAX_IMAGE_TEXT_LENGTH,
  MIN_IMAGE_WIDTH,
} from '@tandem/shared/ImageNode'
import {
  $getNodeByKey,
  $getSelection,
  $isNodeSelection,
  CLICK_COMMAND,
  COMMAND_PRIORITY_LOW,
  KEY_BACKSPACE_COMMAND,
  KEY_DELETE_COMMAND,
  type NodeKey,
  stopLexicalPropagation,
} from 'lexical'
import { type PointerEvent, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { useImageServices } from './ImageUploadsContext'
import { uploadImageFiles } from './uploadImageFiles'

/** Width change per arrow key press, and with Shift. */
const KEY_STEP_PX = 16
const KEY_STEP_LARGE_PX = 64
const noSubscription = () => () => {}

/** Events Lexical must not handle while a person types in the caption or alt text, or works the handle. */
const CONTROL_EVENTS = [
  'keydown',
  'keyup',
  'keypress',
  'beforeinput',
  'input',
  'paste',
  'cut',
  'copy',
  'drop',
]

export function ImageView({ nodeKey, fields }: { nodeKey: NodeKey; fields: Required<ImageFields> }) {
  const [editor] = useLexicalComposerContext()
  const services = useImageServices()
  const editable = useLexicalEditable()
  const [selected, setSelected, clearSelection] = useLexicalNodeSelection(nodeKey)
  const { hash } = fields
  const source = useSyncExternalStore(services?.uploads.subscribe ?? noSubscription, () =>
    hash && services ? services.uploads.sourceOf(hash) : null,
  )
  useEffect(() => {
    if (hash && source === undefined) services?.uploads.want(hash)
  }, [hash, source, services])

  const figureRef = useRef<HTMLElement>(null)
  const update = (next: ImageFields) =>
    editor.update(() => {
      const node = $getNodeByKey(nodeKey)
      if ($isImageNode(node)) node.setFields(next)
    })

  // Delete or Backspace on the selected image removes it, as on a selected word.
  useEffect(() => {
    if (!editable) return undefined
    const remove = () => {
      const selection = $getSelection()
      if (!selected || !$isNodeSelection(selection) || !selection.has(nodeKey)) return false
      $getNodeByKey(nodeKey)?.remove()
      return true
    }
    return mergeRegister(
      editor.registerCommand(KEY_DELETE_COMMAND, remove, COMMAND_PRIORITY_LOW),
      editor.registerCommand(KEY_BACKSPACE_COMMAND, remove, COMMAND_PRIORITY_LOW),
    )
  }, [editor, editable, selected, nodeKey])

  // A click on the picture selects it (keyboard users reach it with the arrow keys, as Lexical does).
  useEffect(
    () =>
      editor.registerCommand(
        CLICK_COMMAND,
        (event) => {
          const target = event.target as HTMLElement
          if (!editable || !figureRef.current?.contains(target)) return false
          if (target.closest('input, button, a, [role="slider"]')) return false
          if (!event.shiftKey) clearSelection()
          setSelected(true)
          return true
        },
        COMMAND_PRIORITY_LOW,
      ),
    [editor, editable, clearSelection, setSelected],
  )

  // Native listeners run at the figure before Lexical's on the editor root: events that start inside
  // it come from its own controls (caret keys reach the editor root, not the figure).
  useEffect(() => {
    const element = figureRef.current
    if (!element) return undefined
    for (const name of CONTROL_EVENTS) element.addEventListener(name, stopLexicalPropagation)
    return () => {
      for (const name of CONTROL_EVENTS) element.removeEventListener(name, stopLexicalPropagation)
    }
  })

  const [dragWidth, setDragWidth] = useState<number | null>(null)
  const width = dragWidth ?? fields.width
  const columnWidth = () => figureRef.current?.parentElement?.getBoundingClientRect().width ?? 4096
  const clampWidth = (value: number) => Math.round(Math.max(MIN_IMAGE_WIDTH, Math.min(columnWidth(), value)))
  const currentWidth = () => figureRef.current?.getBoundingClientRect().width ?? MIN_IMAGE_WIDTH

  const startResize = (event: PointerEvent<HTMLDivElement>) => {
    event.preventDefault()
    const handle = event.currentTarget
    handle.setPointerCapture(event.pointerId)
    const startX = event.clientX
    const startWidth = currentWidth()
    let latest = startWidth
    const move = (moved: globalThis.PointerEvent) => {
      latest = clampWidth(startWidth + moved.clientX - startX)
      setDragWidth(latest)
    }
    const end = () => {
      handle.removeEventListener('pointermove', move)
      handle.removeEventListener('pointerup', end)
      handle.removeEventListener('pointercancel', end)
      setDragWidth(null)
      update({ width: latest })
    }
    handle.addEventListener('pointermove', move)
    handle.addEventListener('pointerup', end)
    handle.addEventListener('pointercancel', end)
  }

  const resizeByKey = (key: string, large: boolean) => {
    const step = large ? KEY_STEP_LARGE_PX : KEY_STEP_PX
    const now = currentWidth()
    const next =
      key === 'ArrowRight' || key === 'ArrowUp'
        ? now + step
        : key === 'ArrowLeft' || key === 'ArrowDown'
          ? now - step
          : key === 'Home'
            ? MIN_IMAGE_WIDTH
            : key === 'End'
              ? columnWidth()
              : null
    if (next === null) return false
    update({ width: clampWidth(next) })
    return true
  }

  const pickCopy = useRef<HTMLInputElement>(null)
  const alt = fields.altText
  const label = alt ? `Image: ${alt}` : 'Image without a description'

  return (
    <figure
      aria-label={label}
      className="tandem-image-figure"
      data-selected={selected}
      data-testid="image"
      data-hash={hash ?? undefined}
      ref={figureRef}
      style={width ? { width: `${width}px` } : undefined}
    >
      <div className="tandem-image-frame">
        {hash && source ? (
          <img alt={alt} className="tandem-image" data-testid="image-img" draggable={false} src={source} />
        ) : hash && source === undefined ? (
          <div
            className="tandem-image-box"
            data-testid="image-loading"
            role="img"
            aria-label={`Loading image ${alt}`}
          >
            Loading image…
          </div>
        ) : (
          <div className="tandem-image-box tandem-image-placeholder" data-testid="image-placeholder">
            <strong>{hash ? 'This image is not available' : 'Image not copied'}</strong>
            {alt && <span data-testid="image-placeholder-alt">“{alt}”</span>}
            {fields.sourceUrl && (
              <a
                className="tandem-image-source"
                data-testid="image-source-link"
                href={fields.sourceUrl}
                rel="noopener noreferrer nofollow"
                target="_blank"
              >
                {fields.sourceUrl}
              </a>
            )}
            {!hash && editable && (
              <span className="tandem-image-hint">
                Images from other sites are not fetched by the server. Download it, then upload a copy.
              </span>
            )}
          </div>
        )}
        {editable && hash && source && (
          <div
            aria-label="Image width"
            aria-valuemax={Math.round(columnWidth())}
            aria-valuemin={MIN_IMAGE_WIDTH}
            aria-valuenow={Math.round(width ?? currentWidth())}
            aria-valuetext={`${Math.round(width ?? currentWidth())} pixels wide`}
            className="tandem-image-resize"
            data-testid="image-resize"
            onKeyDown={(event) => {
              if (resizeByKey(event.key, event.shiftKey)) event.preventDefault()
            }}
            onPointerDown={startResize}
            role="slider"
            tabIndex={0}
            title="Drag, or use the arrow keys, to resize"
          />
        )}
      </div>
      <div className="tandem-image-controls">
        {editable && !hash && services && (
          <>
            <button
              className="tandem-image-button"
              data-testid="image-upload-copy"
              onClick={() => pickCopy.current?.click()}
              type="button"
            >
              Upload a copy
            </button>
            <input
              accept={UPLOAD_IMAGE_TYPES.join(',')}
              aria-hidden="true"
              className="tandem-visually-hidden"
              data-testid="image-upload-copy-input"
              onChange={(event) => {
                const files = [...(event.target.files ?? [])].slice(0, 1)
                event.target.value = ''
                if (files.length > 0) void uploadImageFiles(editor, services, files, { replaceKey: nodeKey })
              }}
              ref={pickCopy}
              tabIndex={-1}
              type="file"
            />
          </>
        )}
        {editable ? (
          <>
            <input
              aria-label="Caption"
              className="tandem-image-caption-input"
              data-testid="image-caption"
              maxLength={MAX_IMAGE_TEXT_LENGTH}
              onChange={(event) => update({ caption: event.target.value })}
              placeholder="Add a caption"
              value={fields.caption}
            />
            <label className="tandem-image-alt">
              <span>Alt text</span>
              <input
                aria-describedby={undefined}
                className="tandem-image-alt-input"
                data-testid="image-alt"
                data-missing={alt === ''}
                maxLength={MAX_IMAGE_TEXT_LENGTH}
                onChange={(event) => update({ altText: event.target.value })}
                placeholder="Describe the image for people who cannot see it"
                value={alt}
              />
            </label>
          </>
        ) : (
          fields.caption && (
            <figcaption className="tandem-image-caption" data-testid="image-caption-text">
              {fields.caption}
            </figcaption>
          )
        )}
      </div>
    </figure>
  )
}
