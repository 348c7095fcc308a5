/** Markdown shortcuts (`# `, `- `, `[ ] `, `**bold**`, ...); the check list rule must precede the bullet rule. */
import { CHECK_LIST, TRANSFORMERS, type Transformer } from '@lexical/markdown'

export const MARKDOWN_TRANSFORMERS: Transformer[] = [CHECK_LIST, ...TRANSFORMERS]
