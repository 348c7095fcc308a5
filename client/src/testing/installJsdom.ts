/**
 * Installs jsdom globals in a `node` environment test, before React, Lexical and Testing Library are
 * imported (they read `window` at import time). npm installs jsdom under client/node_modules, where
 * Vitest's built-in `jsdom` environment, resolving from the repository root, cannot find it; and a
 * per-file environment can only name a package. Usage: `await installJsdom()`, then dynamic imports.
 */
import { populateGlobal } from 'vitest/environments'

interface JsdomModule {
  JSDOM: new (
    html: string,
    options: { url: string; pretendToBeVisual: boolean },
  ) => { window: Record<string, unknown> & { close(): void } }
}

/** Creates a jsdom window, copies it onto globalThis and returns the teardown. */
export async function installJsdom(url = 'http://localhost:3000/'): Promise<() => void> {
  // A computed specifier: the client has no @types/jsdom, and only the constructor is used.
  const specifier = 'jsdom'
  const { JSDOM } = (await import(specifier)) as JsdomModule
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
