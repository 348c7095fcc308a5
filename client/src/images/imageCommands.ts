/**
 * Commands that insert images, for the toolbar, the `/` menu and host apps. ImagePlugin handles them.
 * Files pasted or dropped arrive through Lexical's own DRAG_DROP_PASTE.
 */
import type { ImageFields } from '@tandem/shared/ImageNode'
import { createCommand, type LexicalCommand } from 'lexical'

/** Opens the file picker; the chosen images are uploaded and inserted at the selection. */
export const PICK_IMAGE_COMMAND: LexicalCommand<void> = createCommand('PICK_IMAGE_COMMAND')

/** Uploads these files and inserts each image at the selection as it finishes. */
export const UPLOAD_IMAGES_COMMAND: LexicalCommand<File[]> = createCommand('UPLOAD_IMAGES_COMMAND')

/** Inserts an image that is already uploaded (its hash) at the selection, as a block of its own. */
export const INSERT_IMAGE_COMMAND: LexicalCommand<ImageFields> = createCommand('INSERT_IMAGE_COMMAND')
