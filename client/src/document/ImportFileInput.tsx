/** The hidden file picker behind "Import Markdown or HTML" (home page and document menu alike). */
import type { Ref } from 'react'
import { IMPORT_ACCEPT } from './importDocumentFile'

export interface ImportFileInputProps {
  /** The button that opens it calls `click()` on this. */
  readonly ref: Ref<HTMLInputElement>
  readonly onFile: (file: File) => void
  readonly testId: string
}

/** One file at a time; the value is cleared after each pick, so picking the same file again works. */
export function ImportFileInput({ ref, onFile, testId }: ImportFileInputProps) {
  return (
    <input
      accept={IMPORT_ACCEPT}
      className="visually-hidden-input"
      data-testid={testId}
      onChange={(event) => {
        const file = event.target.files?.[0]
        event.target.value = ''
        if (file) onFile(file)
      }}
      ref={ref}
      tabIndex={-1}
      type="file"
    />
  )
}
