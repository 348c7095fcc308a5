/** Tags the remote carets @lexical/yjs renders with data-testid attributes, for the e2e suite. */
import { type RefObject, useEffect } from 'react'
import { editorTheme } from './editorTheme'

const TEST_IDS: ReadonlyArray<[className: string, testId: string]> = [
  [editorTheme.collaboration?.cursor ?? '', 'remote-caret'],
  [editorTheme.collaboration?.cursorName ?? '', 'remote-caret-label'],
  [editorTheme.collaboration?.selection ?? '', 'remote-selection'],
]

/** Watches `containerRef` (the carets container) and labels carets as @lexical/yjs creates them. */
export function useRemoteCaretTestIds(containerRef: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const container = containerRef.current
    if (container === null) return
    const label = () => {
      for (const [className, testId] of TEST_IDS) {
        for (const element of container.getElementsByClassName(className)) {
          if (element.getAttribute('data-testid') !== testId) element.setAttribute('data-testid', testId)
        }
      }
    }
    const observer = new MutationObserver(label)
    observer.observe(container, { childList: true, subtree: true, attributeFilter: ['class'] })
    label()
    return () => observer.disconnect()
  }, [containerRef])
}
