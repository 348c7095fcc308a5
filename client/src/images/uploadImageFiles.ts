/**
 * Uploads files one by one with progress in UploadTasks, then inserts each image (or fills a
 * placeholder). A refused file stays in the tray with the server's reason; nothing is inserted.
 */

import { $insertNodeToNearestRoot } from '@lexical/utils'
import { $createImageNode, $isImageNode } from '@tandem/shared/ImageNode'
import { $getNodeByKey, $getRoot, $getSelection, type LexicalEditor, type NodeKey } from 'lexical'
import type { ImageServices } from './ImageUploadsContext'

export interface UploadTarget {
  /** An image placeholder to fill instead of inserting a new image. */
  readonly replaceKey?: NodeKey
}

export async function uploadImageFiles(
  editor: LexicalEditor,
  { uploads, tasks }: ImageServices,
  files: readonly File[],
  target: UploadTarget = {},
): Promise<void> {
  for (const file of files) {
    const id = tasks.start(file.name || 'image')
    try {
      const uploaded = await uploads.upload(file, (fraction) => tasks.progress(id, fraction))
      tasks.remove(id)
      editor.update(() => {
        const placeholder = target.replaceKey ? $getNodeByKey(target.replaceKey) : null
        if ($isImageNode(placeholder)) {
          // The source link goes: the image is ours now. Alt text the page gave stays.
          placeholder.setFields({ hash: uploaded.hash, sourceUrl: null })
          return
        }
        // No alt text from the file name ("IMG_2041.jpg" describes nothing): the view asks for one.
        const image = $createImageNode({ hash: uploaded.hash })
        if ($getSelection() === null) $getRoot().append(image)
        else $insertNodeToNearestRoot(image)
      })
    } catch (error) {
      tasks.fail(id, error instanceof Error ? error.message : String(error))
    }
  }
}
