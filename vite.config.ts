/**
 * Builds the client (run from client/ with `--config ../vite.config.ts`). Three outputs, one per mode:
 *   default      the web app            -> client/dist/ (index.html at its root; the server serves it)
 *   --mode embed one-script IIFE bundle -> client/dist/sdk/tandem-embed.js (global `TandemEmbed`)
 *   --mode lib   React component (ESM)  -> client/dist/lib/tandem-editor.js + style.css, peers external
 * `vite` (dev) serves the app on :5173 and proxies the API and WebSocket to a server on :1234.
 */
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig, type UserConfig } from 'vite'

const clientRoot = fileURLToPath(new URL('./client', import.meta.url))
const fromClient = (path: string) => fileURLToPath(new URL(`./client/${path}`, import.meta.url))

/** Where `npm run dev -w @tandem/server` listens by default. */
const DEV_SERVER_ORIGIN = 'http://localhost:1234'

/** Everything the embed bundle and the app must hold exactly one copy of. */
const DEDUPE = ['react', 'react-dom', 'yjs', 'lexical', 'y-protocols', 'lib0']

const shared: UserConfig = {
  root: clientRoot,
  plugins: [react()],
  resolve: { dedupe: DEDUPE },
  // Tandem ships no source maps to browsers by default; CI reads the size report instead.
  build: { sourcemap: false, reportCompressedSize: true, chunkSizeWarningLimit: 900 },
}

/**
 * Bundled into the library: our private workspace code, the lib0 helpers it uses, and Prism, whose
 * grammars are side-effect imports, which this build drops from external packages (no-external).
 */
const BUNDLED_IN_LIBRARY = ['@tandem/', 'lib0', 'prismjs']

/** Bare imports stay imports in the library build (peer and regular dependencies); our own code is bundled. */
function isExternalToLibrary(id: string): boolean {
  if (id.startsWith('.') || id.startsWith('/') || id.startsWith('\0') || /^[A-Za-z]:[\\/]/.test(id))
    return false
  return !BUNDLED_IN_LIBRARY.some((prefix) => id.startsWith(prefix))
}

export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'embed') {
    return {
      ...shared,
      // Library mode leaves process.env alone; a script-tag bundle has no bundler after it to replace it.
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      // public/ (the app's service worker) belongs to the app build only.
      publicDir: false,
      build: {
        ...shared.build,
        outDir: fromClient('dist/sdk'),
        emptyOutDir: true,
        lib: {
          entry: fromClient('src/sdk/embedEntry.ts'),
          name: 'TandemEmbed',
          formats: ['iife'],
          fileName: () => 'tandem-embed.js',
        },
      },
    }
  }
  if (mode === 'lib') {
    return {
      ...shared,
      publicDir: false,
      build: {
        ...shared.build,
        outDir: fromClient('dist/lib'),
        emptyOutDir: true,
        lib: {
          entry: fromClient('src/lib/index.ts'),
          formats: ['es'],
          fileName: () => 'tandem-editor.js',
          cssFileName: 'style',
        },
        rolldownOptions: {
          external: isExternalToLibrary,
          // @tandem/shared's barrel re-exports the Node-side token minter (jose); unused imports of
          // side-effect-free packages must not survive as bare `import 'jose'` statements.
          treeshake: { moduleSideEffects: 'no-external' },
        },
      },
    }
  }
  return {
    ...shared,
    // The manifest lists every chunk for the offline shell (public/sw.js) to cache on install.
    build: {
      ...shared.build,
      outDir: fromClient('dist'),
      emptyOutDir: true,
      manifest: 'asset-manifest.json',
    },
    server: {
      port: 5173,
      proxy: {
        '/api': DEV_SERVER_ORIGIN,
        '/ws': { target: DEV_SERVER_ORIGIN, ws: true },
        '/sdk': DEV_SERVER_ORIGIN,
      },
    },
  }
})
