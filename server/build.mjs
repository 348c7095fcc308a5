/**
 * Builds the server for production: one ES module bundle per entry (the node and its CLIs) in
 * server/dist, so a start does not pay for a TypeScript loader. Packages from npm stay external
 * (installed beside it); the workspace's own `@tandem/shared` is bundled in, being TypeScript.
 * `npm run build -w @tandem/server`; `tsx` stays for development (`npm run dev`).
 */
import { copyFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const SERVER_DIR = fileURLToPath(new URL('.', import.meta.url))
// BUILD_OUT_DIR: a test's own build (server/test/compiledServer.test.ts); inside server/, so the
// external packages resolve from node_modules as they do for dist.
const OUT_DIR = process.env.BUILD_OUT_DIR ?? `${SERVER_DIR}dist`

/**
 * npm packages stay outside the bundle only where they must or where it costs a default start
 * nothing. Everything else is bundled: a start resolved and compiled every file of yjs, lib0, ws,
 * prom-client and sirv one by one through Node's ESM loader (ws alone, being CommonJS, ~50 ms of
 * cjs-module-lexer and resolution), most of the gap to the y-websocket server's start (issue 16).
 * yjs is bundled together with lexical and @lexical/yjs, so the process still holds one copy of it.
 */
const EXTERNAL_PACKAGES = [
  // A native addon, found by path at run time.
  'better-sqlite3',
  // pino starts its transports (pino-pretty, in a terminal) as worker threads by file path.
  'pino',
  'pino-pretty',
  // Loaded only when configured (DATABASE_URL, REDIS_URL) or to sign a token: not part of a start.
  'pg',
  'ioredis',
  'jose',
  // ws's optional native helpers, required in a try/catch when installed.
  'bufferutil',
  'utf-8-validate',
]

/** Bare imports of the packages above are external; the rest, the workspace's own included, bundled. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { external: true }
      const external = EXTERNAL_PACKAGES.some(
        (name) => args.path === name || args.path.startsWith(`${name}/`),
      )
      return external ? { external: true } : undefined
    })
  },
}

rmSync(OUT_DIR, { recursive: true, force: true })
await build({
  entryPoints: {
    main: `${SERVER_DIR}src/main.ts`,
    'cli/token': `${SERVER_DIR}src/cli/token.ts`,
    'cli/backup': `${SERVER_DIR}src/cli/backup.ts`,
    'cli/migrateStore': `${SERVER_DIR}src/cli/migrateStore.ts`,
    // Started by path (new URL('./contentWorkerThread.js', import.meta.url)) from the bundle beside it.
    contentWorkerThread: `${SERVER_DIR}src/content/contentWorkerThread.ts`,
  },
  outdir: OUT_DIR,
  bundle: true,
  // Split, so the layout migration (headless Lexical, rarely needed) still loads only on first use.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  plugins: [externalPackages],
  // The bundled CommonJS packages require Node's built-in modules; an ES module has no `require`.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
})
// Loaded by path (new URL('./compactUpdatesWorker.js', import.meta.url)), beside the bundle that starts it.
copyFileSync(`${SERVER_DIR}src/persistence/compactUpdatesWorker.js`, `${OUT_DIR}/compactUpdatesWorker.js`)
