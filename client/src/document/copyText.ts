/** Puts text on the clipboard, also where the Clipboard API is missing (plain-HTTP origins) or refused. */
export async function copyText(text: string, fallbackInput: HTMLInputElement | null): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
  } catch {
    // navigator.clipboard is undefined outside secure contexts, or the permission was refused:
    // select the input that shows the text and use the legacy copy command.
    fallbackInput?.select()
    document.execCommand('copy')
  }
}
