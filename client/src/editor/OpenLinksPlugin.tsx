/**
 * Follows links in a read-only document. Replaces Lexical's ClickableLinkPlugin, whose
 * `window.open(url, '_blank')` hands the new page `window.opener`: any linked page could then
 * navigate this tab to a look-alike login page (reverse tabnabbing).
 */
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
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
  /** True while the document is editable: a click then places the caret instead. */
  disabled: boolean
}

export function OpenLinksPlugin({ disabled }: OpenLinksPluginProps): null {
  const [editor] = useLexicalComposerContext()

  useEffect(() => {
    if (disabled) return undefined
    const onClick = (event: MouseEvent) => {
      // `auxclick` also fires for right and history buttons; only the middle one follows a link.
      if (event.type === 'auxclick' && event.button !== 1) return
      if (!(event.target instanceof Element)) return
      const anchor = event.target.closest('a[href]')
      if (!(anchor instanceof HTMLAnchorElement)) return
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
  }, [editor, disabled])

  return null
}
