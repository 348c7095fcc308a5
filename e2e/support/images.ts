/** Images as people add them: files pasted or dropped onto the editor, drawn in the page (a real PNG). */
import type { Page } from '@playwright/test'
import { editorContent } from './editorPage'

/** A file to hand to the page: bytes made in the page (`draw`) or given. */
export type PageFile =
  | { readonly name: string; readonly type: string; readonly text: string }
  | {
      readonly name: string
      readonly drawn: 'chart' | 'noise'
      readonly width: number
      readonly height: number
    }

/** Pastes (`paste`) or drops (`drop`) files onto the editor as the browser delivers them. */
export async function deliverFiles(
  page: Page,
  how: 'paste' | 'drop',
  files: readonly PageFile[],
): Promise<void> {
  await editorContent(page).evaluate(
    async (element, { how, files }) => {
      const data = new DataTransfer()
      for (const file of files) {
        if ('text' in file) {
          data.items.add(new File([file.text], file.name, { type: file.type }))
          continue
        }
        const canvas = document.createElement('canvas')
        canvas.width = file.width
        canvas.height = file.height
        const context = canvas.getContext('2d')!
        if (file.drawn === 'chart') {
          // A bar chart: something a screenshot shows is really an image, decoded.
          const gradient = context.createLinearGradient(0, 0, file.width, file.height)
          gradient.addColorStop(0, '#e0e7ff')
          gradient.addColorStop(1, '#c7d2fe')
          context.fillStyle = gradient
          context.fillRect(0, 0, file.width, file.height)
          const bars = [0.45, 0.7, 0.55, 0.9, 0.65]
          bars.forEach((value, index) => {
            context.fillStyle = index % 2 === 0 ? '#3e63dd' : '#30a46c'
            const barWidth = file.width / (bars.length * 2)
            const x = barWidth * (index * 2 + 0.5)
            context.fillRect(x, file.height * (1 - value), barWidth, file.height * value)
          })
        } else {
          // Random pixels do not compress: the PNG is about width * height * 4 bytes.
          const pixels = context.createImageData(file.width, file.height)
          crypto.getRandomValues(pixels.data.subarray(0, 65536))
          for (let offset = 65536; offset < pixels.data.length; offset += 65536) {
            crypto.getRandomValues(pixels.data.subarray(offset, offset + 65536))
          }
          context.putImageData(pixels, 0, 0)
        }
        const blob = await new Promise<Blob>((resolve) =>
          canvas.toBlob((made) => resolve(made!), 'image/png'),
        )
        data.items.add(new File([blob], file.name, { type: 'image/png' }))
      }
      const event =
        how === 'paste'
          ? new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })
          : new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true })
      element.dispatchEvent(event)
    },
    { how, files },
  )
}

/** Pastes `html` (and its text) as copying from a web page does. */
export async function pasteHtml(page: Page, html: string, text: string): Promise<void> {
  await editorContent(page).evaluate(
    (element, { html, text }) => {
      const data = new DataTransfer()
      data.setData('text/html', html)
      data.setData('text/plain', text)
      element.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      )
    },
    { html, text },
  )
}

/** The decoded size of the first image the page shows (0 while it has not loaded). */
export function renderedImageWidth(page: Page): Promise<number> {
  return page
    .getByTestId('image-img')
    .first()
    .evaluate((image: HTMLImageElement) => (image.complete ? image.naturalWidth : 0))
}
