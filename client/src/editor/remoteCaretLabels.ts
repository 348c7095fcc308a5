/**
 * Shows a remote caret's name label only while its person is active (typing, moving the caret) or
 * while the pointer is over the caret: a label that stays covers the line above it (issue 15,
 * item 7). CSS fades labels whose caret lacks `data-label-visible="true"`.
 */
import type { Awareness } from 'y-protocols/awareness'
import { editorTheme } from './editorTheme'

/** How long a label stays after its person's last activity. */
export const LABEL_VISIBLE_MS = 2500
/** How far beside a 2 px caret the pointer still counts as over it. */
const HOVER_SLOP_PX = 6

const CARET_CLASS = editorTheme.collaboration?.cursor ?? ''
const LABEL_CLASS = editorTheme.collaboration?.cursorName ?? ''

/**
 * @lexical/yjs draws carets without saying whose they are; within a room a name and a colour pick one
 * person out (colours are distinct per room, roomColor.ts).
 */
const personKey = (name: unknown, color: unknown) => `${String(name)}\u0000${String(color)}`

function caretKey(caret: HTMLElement): string {
  const label = caret.getElementsByClassName(LABEL_CLASS)[0]
  return personKey(label?.textContent ?? '', caret.style.getPropertyValue('--lexical-cursor-color').trim())
}

/**
 * Watches `awareness` for remote activity and `surface` (the element holding the content and the
 * carets `container`) for the pointer. Returns the cleanup.
 */
export function registerRemoteCaretLabels(
  container: HTMLElement,
  surface: HTMLElement,
  awareness: Awareness,
): () => void {
  const activeUntil = new Map<string, number>()
  let hovered: HTMLElement | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  let frame: number | undefined

  const carets = () => [...container.getElementsByClassName(CARET_CLASS)] as HTMLElement[]

  const refresh = () => {
    clearTimeout(timer)
    const now = Date.now()
    let nextExpiry = Number.POSITIVE_INFINITY
    for (const caret of carets()) {
      const until = activeUntil.get(caretKey(caret)) ?? 0
      if (until > now) nextExpiry = Math.min(nextExpiry, until)
      const visible = until > now || caret === hovered
      const value = String(visible)
      if (caret.getAttribute('data-label-visible') !== value) caret.setAttribute('data-label-visible', value)
    }
    for (const [key, until] of activeUntil) if (until <= now) activeUntil.delete(key)
    if (nextExpiry !== Number.POSITIVE_INFINITY) timer = setTimeout(refresh, nextExpiry - now)
  }

  const onAwarenessChange = ({ added, updated }: { added: number[]; updated: number[] }) => {
    const states = awareness.getStates()
    const until = Date.now() + LABEL_VISIBLE_MS
    for (const clientId of [...added, ...updated]) {
      if (clientId === awareness.clientID) continue
      const state = states.get(clientId)
      if (state !== undefined) activeUntil.set(personKey(state.name, state.color), until)
    }
    // Awareness changes come by the thousand a second in a large room: one refresh per frame.
    frame ??= requestAnimationFrame(() => {
      frame = undefined
      refresh()
    })
  }

  const onPointerMove = (event: PointerEvent) => {
    const over = carets().find((caret) => {
      const box = caret.getBoundingClientRect()
      return (
        event.clientX >= box.left - HOVER_SLOP_PX &&
        event.clientX <= box.right + HOVER_SLOP_PX &&
        event.clientY >= box.top &&
        event.clientY <= box.bottom
      )
    })
    const next = over ?? null
    if (next === hovered) return
    hovered = next
    refresh()
  }
  const onPointerLeave = () => {
    hovered = null
    refresh()
  }

  // New carets (someone starts editing, or a caret is rebuilt for a new colour) get their state at once.
  const observer = new MutationObserver(refresh)
  observer.observe(container, { childList: true, subtree: true })
  awareness.on('change', onAwarenessChange)
  surface.addEventListener('pointermove', onPointerMove)
  surface.addEventListener('pointerleave', onPointerLeave)
  refresh()
  return () => {
    clearTimeout(timer)
    if (frame !== undefined) cancelAnimationFrame(frame)
    observer.disconnect()
    awareness.off('change', onAwarenessChange)
    surface.removeEventListener('pointermove', onPointerMove)
    surface.removeEventListener('pointerleave', onPointerLeave)
  }
}
