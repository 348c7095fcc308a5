/** Where Lexical's own DOM conversion of a Tandem node needs help (used by NODE_FORMATS). */
import { $createCodeNode } from '@lexical/code'
import type { DOMConversionMap, DOMExportOutput, LexicalEditor, LexicalNode } from 'lexical'

/**
 * TableNode's own exportDOM, except that its `after` step, which finishes the <table> in place and
 * returns that same element, returns null instead: @lexical/html then replaces the element with
 * itself, which a browser ignores but happy-dom (the server's DOM) treats as a removal, so every
 * table vanished from the server's HTML.
 */
export function exportTableDOM(editor: LexicalEditor, node: LexicalNode): DOMExportOutput {
  const output = node.exportDOM(editor)
  const { after } = output
  if (!after) return output
  return {
    ...output,
    after: (element) => {
      const finished = after(element)
      return finished === element ? null : finished
    },
  }
}

/** The DOM this reads, typed here because the server compiles without the DOM lib. */
interface DomElement {
  readonly nodeName: string
  readonly children: ArrayLike<DomElement>
  getAttribute(name: string): string | null
  hasAttribute(name: string): boolean
}

/** A code element's language from its class (`language-x`, or `lang-x`), as highlighters write it. */
function languageFromClass(element: DomElement | undefined): string | null {
  const match = /(?:^|\s)(?:language|lang)-([\w#+.-]+)/.exec(element?.getAttribute('class') ?? '')
  return match ? match[1]! : null
}

/**
 * `<pre><code class="language-x">` (GitHub, highlight.js, Prism, markdown-it): a code block in
 * language x. A <pre> with its own data-language, or without such a class, is left to CodeNode.
 */
export const codeLanguageImport: DOMConversionMap = {
  pre: (node) => {
    const pre = node as unknown as DomElement
    if (pre.hasAttribute('data-language')) return null
    const code = Array.from(pre.children).find((child) => child.nodeName === 'CODE')
    const language = languageFromClass(code) ?? languageFromClass(pre)
    if (language === null) return null
    return { conversion: () => ({ node: $createCodeNode(language) }), priority: 1 }
  },
}
