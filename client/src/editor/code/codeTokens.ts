/** Splits code into highlighted spans (offsets and a colour category) with Prism; no DOM. */
import Prism from 'prismjs'
import { grammarFor } from './codeLanguages'

/** Colour categories, each one `::highlight(tandem-code-<category>)` rule in editor.css. */
export const TOKEN_CATEGORIES = [
  'comment',
  'keyword',
  'string',
  'number',
  'function',
  'type',
  'property',
  'operator',
  'punctuation',
] as const
export type TokenCategory = (typeof TOKEN_CATEGORIES)[number]

/** Prism token types (and aliases) to categories; a type not here is drawn as plain text. */
const CATEGORY_OF: Readonly<Record<string, TokenCategory>> = {
  comment: 'comment',
  prolog: 'comment',
  doctype: 'comment',
  cdata: 'comment',
  keyword: 'keyword',
  boolean: 'keyword',
  important: 'keyword',
  atrule: 'keyword',
  builtin: 'type',
  'class-name': 'type',
  namespace: 'type',
  string: 'string',
  char: 'string',
  regex: 'string',
  'attr-value': 'string',
  'template-string': 'string',
  url: 'string',
  number: 'number',
  constant: 'number',
  symbol: 'number',
  function: 'function',
  'function-definition': 'function',
  selector: 'function',
  property: 'property',
  tag: 'property',
  'attr-name': 'property',
  variable: 'property',
  key: 'property',
  operator: 'operator',
  entity: 'operator',
  punctuation: 'punctuation',
}

export interface CodeToken {
  start: number
  end: number
  category: TokenCategory
}

/** Code longer than this is left plain: highlighting runs on every keystroke in the block. */
export const MAX_HIGHLIGHTED_CHARS = 20_000

/** The highlighted spans of `code` in `language`, in order, innermost token type winning. */
export function tokenizeCode(code: string, language: string | null | undefined): CodeToken[] {
  const grammar = grammarFor(language)
  if (grammar === null || code.length > MAX_HIGHLIGHTED_CHARS) return []
  const tokens: CodeToken[] = []
  const walk = (stream: Prism.TokenStream, offset: number, inherited: TokenCategory | null): number => {
    if (typeof stream === 'string') {
      if (inherited !== null && stream.length > 0) {
        tokens.push({ start: offset, end: offset + stream.length, category: inherited })
      }
      return offset + stream.length
    }
    if (Array.isArray(stream)) {
      let at = offset
      for (const part of stream) at = walk(part, at, inherited)
      return at
    }
    return walk(stream.content, offset, categoryOf(stream) ?? inherited)
  }
  walk(Prism.tokenize(code, grammar), 0, null)
  return tokens
}

function categoryOf(token: Prism.Token): TokenCategory | null {
  const aliases = token.alias === undefined ? [] : Array.isArray(token.alias) ? token.alias : [token.alias]
  for (const type of [token.type, ...aliases]) {
    const category = CATEGORY_OF[type]
    if (category !== undefined) return category
  }
  return null
}
