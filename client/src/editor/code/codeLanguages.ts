/**
 * The languages a code block can be highlighted as: the picker's choices, in its order, and their
 * Prism grammars. A block's language is document content (CodeNode's `language`, synced); the
 * highlighting itself is drawn by each viewer (registerCodeHighlighting.ts) and never stored.
 */
import Prism from 'prismjs'
// Prism's grammars register themselves on the Prism global, in dependency order (clike before the
// C family, javascript before typescript, c before cpp); prismjs itself brings markup, css, clike, js.
import 'prismjs/components/prism-typescript'
import 'prismjs/components/prism-python'
import 'prismjs/components/prism-java'
import 'prismjs/components/prism-c'
import 'prismjs/components/prism-cpp'
import 'prismjs/components/prism-csharp'
import 'prismjs/components/prism-go'
import 'prismjs/components/prism-rust'
import 'prismjs/components/prism-ruby'
import 'prismjs/components/prism-php'
import 'prismjs/components/prism-kotlin'
import 'prismjs/components/prism-swift'
import 'prismjs/components/prism-sql'
import 'prismjs/components/prism-bash'
import 'prismjs/components/prism-json'
import 'prismjs/components/prism-yaml'
import 'prismjs/components/prism-markdown'

export interface CodeLanguage {
  /** Stored in the CodeNode; Prism's grammar name. */
  readonly id: string
  readonly label: string
}

/** `''`: no language, shown as plain text. */
export const PLAIN_TEXT: CodeLanguage = { id: '', label: 'Plain text' }

export const CODE_LANGUAGES: readonly CodeLanguage[] = [
  PLAIN_TEXT,
  { id: 'bash', label: 'Shell' },
  { id: 'c', label: 'C' },
  { id: 'cpp', label: 'C++' },
  { id: 'csharp', label: 'C#' },
  { id: 'css', label: 'CSS' },
  { id: 'go', label: 'Go' },
  { id: 'markup', label: 'HTML' },
  { id: 'java', label: 'Java' },
  { id: 'javascript', label: 'JavaScript' },
  { id: 'json', label: 'JSON' },
  { id: 'kotlin', label: 'Kotlin' },
  { id: 'markdown', label: 'Markdown' },
  { id: 'php', label: 'PHP' },
  { id: 'python', label: 'Python' },
  { id: 'ruby', label: 'Ruby' },
  { id: 'rust', label: 'Rust' },
  { id: 'sql', label: 'SQL' },
  { id: 'swift', label: 'Swift' },
  { id: 'typescript', label: 'TypeScript' },
  { id: 'yaml', label: 'YAML' },
]

/** The label for a stored language; another client may have stored one this list lacks. */
export function codeLanguageLabel(id: string | null | undefined): string {
  if (id == null || id === '') return PLAIN_TEXT.label
  return CODE_LANGUAGES.find((language) => language.id === id)?.label ?? id
}

/** Prism's grammar for a listed language; null for plain text and anything not listed. */
export function grammarFor(id: string | null | undefined): Prism.Grammar | null {
  if (id == null || id === '' || !CODE_LANGUAGES.some((language) => language.id === id)) return null
  return Prism.languages[id] ?? null
}
