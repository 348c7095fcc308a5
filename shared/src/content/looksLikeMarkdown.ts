/** Whether pasted plain text is Markdown worth converting, rather than prose that happens to hold a `*`. */

/** Line starts that are Markdown block syntax: headings, lists, check items, quotes, code fences. */
const BLOCK_SYNTAX = /^(#{1,6} \S|[-*+] (\[[ xX]\] )?\S|\d{1,9}[.)] \S|> |```)/m
/** Inline syntax that prose rarely contains: **bold**, __bold__, `code`, [text](url). */
const INLINE_SYNTAX = /(\*\*[^*\n]+\*\*|__[^_\n]+__|`[^`\n]+`|\[[^\]\n]+\]\([^)\s]+\))/

/**
 * True when `text` has Markdown block syntax on some line, or inline syntax that ordinary prose does
 * not use. A single `*` or `_` is not enough: that is how people write emphasis in chat and email.
 */
export function looksLikeMarkdown(text: string): boolean {
  return BLOCK_SYNTAX.test(text) || INLINE_SYNTAX.test(text)
}
