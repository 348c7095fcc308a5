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
const OUT_DIR = `${SERVER_DIR}dist`

/**
 * Bundled although from npm: prom-client and what it imports are some 50 CommonJS files that every
 * start resolved and parsed one by one through Node's ESM loader, the largest package in a start
 * profile; bundled, a start took ~25 ms less (issue 16). Plain JavaScript that nothing else imports.
 */
const BUNDLED_PACKAGES = ['prom-client', 'tdigest', 'bintrees', '@opentelemetry/api']

/** Bare imports are npm packages, external, except the workspace's own TypeScript packages and those above. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@tandem/')) return undefined
      const bundled = BUNDLED_PACKAGES.some((name) => args.path === name || args.path.startsWith(`${name}/`))
      return bundled ? undefined : { external: true }
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
