/**
 * Follows links: any click in a read-only document, Ctrl+click (Cmd+click on Apple) while editing,
 * where a plain click places the caret (and LinkPopup offers Open). Replaces Lexical's
 * ClickableLinkPlugin, whose `window.open(url, '_blank')` hands the new page `window.opener`: any
 * linked page could then navigate this tab to a look-alike login page (reverse tabnabbing).
 */
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { IS_APPLE } from '@lexical/utils'
import { useEffect } from 'react'
import { normalizeLinkUrl } from './editorActions'

/** Features passed to `window.open`: no `window.opener` for the linked page, and no Referer. */
export const LINK_WINDOW_FEATURES = 'noopener,noreferrer'

/** Opens `href` in a new tab that cannot reach back to this one; only http(s) and mailto links open. */
export function openLinkInNewTab(href: string): void {
  // The document comes from other people: re-check what a crafted update may have put in an href.
  const url = normalizeLinkUrl(href)
  if (url !== null) window.open(url, '_blank', LINK_WINDOW_FEATURES)
}

export interface OpenLinksPluginProps {
  /** True while the document is editable: only Ctrl/Cmd+click opens, a plain click places the caret. */
  editable: boolean
}

export function OpenLinksPlugin({ editable }: OpenLinksPluginProps): null {
  const [editor] = useLexicalComposerContext()

  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      if (!(event.target instanceof Element)) return
      const anchor = event.target.closest('a[href]')
      if (!(anchor instanceof HTMLAnchorElement)) return
      if (editable) {
        // A middle click stays with the browser: on Linux it pastes the primary selection.
        if (event.type !== 'click' || !(IS_APPLE ? event.metaKey : event.ctrlKey)) return
        event.preventDefault()
        openLinkInNewTab(anchor.href)
        return
      }
      // `auxclick` also fires for right and history buttons; only the middle one follows a link.
      if (event.type === 'auxclick' && event.button !== 1) return
      event.preventDefault()
      // Selecting link text must not open it.
      const selection = window.getSelection()
      if (selection !== null && !selection.isCollapsed) return
      openLinkInNewTab(anchor.href)
    }
    let attached: HTMLElement | null = null
    const attach = (root: HTMLElement | null) => {
      attached?.removeEventListener('click', onClick)
      attached?.removeEventListener('auxclick', onClick)
      root?.addEventListener('click', onClick)
      root?.addEventListener('auxclick', onClick)
      attached = root
    }
    const unregister = editor.registerRootListener((root) => attach(root))
    return () => {
      // Unregistering does not call the listener with null: detach from the root ourselves.
      unregister()
      attach(null)
    }
  }, [editor, editable])

  return null
}
