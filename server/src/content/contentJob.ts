/** Messages between the content worker pool and its worker thread: one job in, one answer out. */
import type { ContentLimit, ReadFormat, WriteFormat } from '@tandem/shared/content/contentFormats'
import type { WriteMode } from './headlessContent'

/** What the worker is asked to do, with the room's state (`Y.encodeStateAsUpdate`) to do it on. */
export type ContentJob =
  | { readonly kind: 'render'; readonly state: Uint8Array; readonly format: ReadFormat }
  | {
      readonly kind: 'edit'
      readonly state: Uint8Array
      readonly mode: WriteMode
      readonly format: WriteFormat
      readonly source: string
    }
  /** Make `state`'s document equal to `version`'s (both `Y.encodeStateAsUpdate`). */
  | { readonly kind: 'restore'; readonly state: Uint8Array; readonly version: Uint8Array }

/** The worker's answer: the rendered text, the edit's update, or why not (errors do not survive postMessage typed). */
export type ContentJobResult =
  | { readonly ok: true; readonly kind: 'render'; readonly text: string }
  | { readonly ok: true; readonly kind: 'edit'; readonly update: Uint8Array }
  | { readonly ok: true; readonly kind: 'restore'; readonly update: Uint8Array }
  | {
      readonly ok: false
      readonly error: 'content-limit'
      readonly limit: ContentLimit
      readonly message: string
    }
  /** A restore that failed on the version's content: the version, not the server, is at fault. */
  | { readonly ok: false; readonly error: 'not-restorable'; readonly message: string }
  | { readonly ok: false; readonly error: 'failed'; readonly message: string; readonly stack?: string }
