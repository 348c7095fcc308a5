/**
 * Puts text on the clipboard, also where the Clipboard API is missing (plain-HTTP origins) or refused.
 * Resolves false when the browser let nothing copy: the text is then selected in `fallbackInput`.
 */
export async function copyText(text: string, fallbackInput: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    // navigator.clipboard is undefined outside secure contexts, or the permission was refused:
    // select the input that shows the text and use the legacy copy command.
    fallbackInput?.select()
    return document.execCommand('copy')
  }
}
