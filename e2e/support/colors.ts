/** Reads rendered colours in the page and judges them: luminance and WCAG contrast. */
import type { Locator } from '@playwright/test'

export interface RenderedColors {
  /** Relative luminance (WCAG) of the text colour, 0 (black) to 1 (white). */
  text: number
  /** Relative luminance of the first opaque background at or above the element. */
  background: number
}

/** The element's text colour and effective background, as WCAG relative luminances. */
export function renderedColors(locator: Locator): Promise<RenderedColors> {
  return locator.evaluate((element) => {
    const channels = (css: string): number[] => (css.match(/[\d.]+/g) ?? []).map(Number)
    const luminance = (css: string): number => {
      const [r = 0, g = 0, b = 0] = channels(css)
      const linear = (value: number) => {
        const c = value / 255
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
      }
      return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }
    // A transparent background shows its parent's: walk up to the first opaque one.
    let node: Element | null = element
    let background = 'rgb(255, 255, 255)'
    while (node !== null) {
      const css = getComputedStyle(node).backgroundColor
      const alpha = channels(css)[3]
      if (css !== 'transparent' && (alpha === undefined || alpha > 0.9)) {
        background = css
        break
      }
      node = node.parentElement
    }
    return { text: luminance(getComputedStyle(element).color), background: luminance(background) }
  })
}

/** WCAG contrast ratio of two relative luminances (1 to 21). */
export function contrastRatio({ text, background }: RenderedColors): number {
  const [light, dark] = text > background ? [text, background] : [background, text]
  return (light + 0.05) / (dark + 0.05)
}
