/** Hands the session's ImageUploads and UploadTasks to image views (rendered as Lexical decorators). */
import { createContext, useContext } from 'react'
import type { ImageUploads } from './ImageUploads'
import type { UploadTasks } from './UploadTasks'

export interface ImageServices {
  readonly uploads: ImageUploads
  readonly tasks: UploadTasks
}

export const ImageServicesContext = createContext<ImageServices | null>(null)

/** Null outside an editor bound to a server (e.g. a bare Lexical test): views then show placeholders. */
export function useImageServices(): ImageServices | null {
  return useContext(ImageServicesContext)
}
