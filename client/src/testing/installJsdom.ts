/**
 * Installs jsdom globals in a `node` environment test, before React, Lexical and Testing Library are
 * imported (they read `window` at import time). npm installs jsdom under client/node_modules, where
 * Vitest's built-in `jsdom` environment, resolving from the repository root, cannot find it; and a
 * per-file environment can only name a package. Usage: `await installJsdom()`, then dynamic imports.
 */
import { populateGlobal } from 'vitest/environments'

interface JsdomModule {
  JSDOM: new (html: string, options: { url: string; pretendToBeVisual: boolean }) => { window: JsdomWindow }
}

type JsdomWindow = Record<string, unknown> & { close(): void; document: Document }

let loadedJsdom: JsdomModule['JSDOM'] | undefined

/** Creates a jsdom window, copies it onto globalThis and returns the teardown. */
export async function installJsdom(url = 'http://localhost:3000/'): Promise<() => void> {
  // A computed specifier: the client has no @types/jsdom, and only the constructor is used.
  const specifier = 'jsdom'
  const { JSDOM } = (await import(specifier)) as JsdomModule
  loadedJsdom = JSDOM
  const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>', { url, pretendToBeVisual: true })
  const target = globalThis as unknown as Record<string | symbol, unknown>
  const { keys, originals } = populateGlobal(target, dom.window, { bindFunctions: true })
  return () => {
    dom.window.close()
    for (const key of keys) delete target[key]
    originals.forEach((value, key) => {
      target[key] = value
    })
  }
}

/**
 * A window of its own (own document, own selection) beside the global one, as each person's browser
 * tab has. Lexical reads the DOM selection of its root's window on every update and on the document's
 * asynchronous `selectionchange`; one shared selection let one person's caret leak into another's
 * editor, at a moment that depended on timers, so a seed's outcome depended on unrelated awaits.
 * Needs `installJsdom` first; close the window when done.
 */
export function createOwnWindow(url = 'http://localhost:3000/'): JsdomWindow {
  if (loadedJsdom === undefined) throw new Error('createOwnWindow needs installJsdom() first')
  const window = new loadedJsdom('<!DOCTYPE html><html><body></body></html>', {
    url,
    pretendToBeVisual: true,
  }).window
  // jsdom lays nothing out; Lexical measures the caret of a focused editor to scroll it into view.
  const range = (window.Range as { prototype: Record<string, unknown> }).prototype
  range.getBoundingClientRect = () => ({
    x: 0,
    y: 0,
    width: 0,
    height: 0,
    top: 0,
    right: 0,
    bottom: 0,
    left: 0,
  })
  range.getClientRects = () => []
  return window
}
