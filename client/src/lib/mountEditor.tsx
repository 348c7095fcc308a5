/** `mountEditor(element, options)`: the collaborative editor in any page, no framework needed. */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { CollaborativeEditor, type CollaborativeEditorProps } from '../editor/CollaborativeEditor'

/** The component's props, less the ones that take React nodes (`layout`, `placeholder`). */
export type MountEditorOptions = Omit<CollaborativeEditorProps, 'layout' | 'placeholder'>

export interface MountedEditor {
  /** Re-renders with changed options (e.g. a rotated `token`, `readOnly`); the session is kept. */
  update(options: Partial<MountEditorOptions>): void
  /** Disconnects, frees the document and empties `element`. */
  destroy(): void
}

/** Renders a CollaborativeEditor into `element` (whose previous content is replaced). */
export function mountEditor(element: HTMLElement, options: MountEditorOptions): MountedEditor {
  const root = createRoot(element)
  let current = options
  const render = () =>
    root.render(
      <StrictMode>
        <CollaborativeEditor {...current} />
      </StrictMode>,
    )
  render()
  return {
    update(changes) {
      current = { ...current, ...changes }
      render()
    },
    destroy() {
      root.unmount()
    },
  }
}
