/**
 * Images in the editor: handles the insert commands, files pasted or dropped (DRAG_DROP_PASTE), the
 * file picker, and shows the upload tray (progress, and failures with the server's reason).
 */
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext'
import { DRAG_DROP_PASTE } from '@lexical/rich-text'
import { $insertNodeToNearestRoot, mergeRegister } from '@lexical/utils'
import { UPLOAD_IMAGE_TYPES } from '@tandem/shared'
import { $createImageNode } from '@tandem/shared/ImageNode'
import { COMMAND_PRIORITY_EDITOR } from 'lexical'
import { useEffect, useRef, useSyncExternalStore } from 'react'
import type { ImageServices } from './ImageUploadsContext'
import { INSERT_IMAGE_COMMAND, PICK_IMAGE_COMMAND, UPLOAD_IMAGES_COMMAND } from './imageCommands'
import { uploadImageFiles } from './uploadImageFiles'

export function ImagePlugin({ services }: { services: ImageServices }) {
  const [editor] = useLexicalComposerContext()
  const inputRef = useRef<HTMLInputElement>(null)
  const tasks = useSyncExternalStore(services.tasks.subscribe, services.tasks.snapshot)

  useEffect(
    () =>
      mergeRegister(
        editor.registerCommand(
          PICK_IMAGE_COMMAND,
          () => {
            inputRef.current?.click()
            return true
          },
          COMMAND_PRIORITY_EDITOR,
        ),
        editor.registerCommand(
          UPLOAD_IMAGES_COMMAND,
          (files) => {
            void uploadImageFiles(editor, services, files)
            return true
          },
          COMMAND_PRIORITY_EDITOR,
        ),
        editor.registerCommand(
          INSERT_IMAGE_COMMAND,
          (fields) => {
            $insertNodeToNearestRoot($createImageNode(fields))
            return true
          },
          COMMAND_PRIORITY_EDITOR,
        ),
        // Every file goes to the server, which decides by content: a refused one is reported, never dropped.
        editor.registerCommand(
          DRAG_DROP_PASTE,
          (files) => {
            void uploadImageFiles(editor, services, files)
            return true
          },
          COMMAND_PRIORITY_EDITOR,
        ),
      ),
    [editor, services],
  )

  return (
    <>
      <input
        accept={UPLOAD_IMAGE_TYPES.join(',')}
        className="tandem-visually-hidden"
        data-testid="image-file-input"
        multiple
        onChange={(event) => {
          const files = [...(event.target.files ?? [])]
          // Cleared so picking the same file again fires change again.
          event.target.value = ''
          if (files.length > 0) void uploadImageFiles(editor, services, files)
        }}
        tabIndex={-1}
        aria-hidden="true"
        ref={inputRef}
        type="file"
      />
      {tasks.length > 0 && (
        <ul className="tandem-upload-tray" data-testid="upload-tray">
          {tasks.map((task) =>
            task.error === null ? (
              <li className="tandem-upload" data-testid="upload-progress" key={task.id} role="status">
                <span className="tandem-upload-name">Uploading {task.fileName}…</span>
                <progress aria-label={`Uploading ${task.fileName}`} max={1} value={task.progress} />
              </li>
            ) : (
              <li
                className="tandem-upload tandem-upload-failed"
                data-testid="upload-error"
                key={task.id}
                role="alert"
              >
                <span className="tandem-upload-name">
                  {task.fileName} was not added: {task.error}
                </span>
                <button
                  className="tandem-upload-dismiss"
                  data-testid="upload-error-dismiss"
                  onClick={() => services.tasks.remove(task.id)}
                  type="button"
                >
                  Dismiss
                </button>
              </li>
            ),
          )}
        </ul>
      )}
    </>
  )
}
