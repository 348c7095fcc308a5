/**
 * Builds the `@tandem/editor` package from the client's library builds and packs it:
 *   node sdk/editor/pack.mjs [destination]   ->  prints the tarball's path
 * Needs `npm run build -w @tandem/client` first (client/dist/lib and client/dist/sdk). Declarations
 * come from tsc; the workspace's private `@tandem/shared`, bundled into the JavaScript, is shipped as
 * declarations beside them and its imports rewritten to relative paths, so the package needs nothing
 * that is not published.
 */
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const packageDir = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(packageDir, '../..')
const clientDist = path.join(repoRoot, 'client/dist')
const dist = path.join(packageDir, 'dist')
const typesDir = path.join(dist, 'types')

for (const built of ['lib/tandem-editor.js', 'lib/style.css', 'sdk/tandem-embed.js']) {
  if (!existsSync(path.join(clientDist, built))) {
    throw new Error(`client/dist/${built} is missing: run npm run build -w @tandem/client first`)
  }
}
rmSync(dist, { recursive: true, force: true })
mkdirSync(dist, { recursive: true })
cpSync(path.join(clientDist, 'lib'), dist, { recursive: true })
cpSync(path.join(clientDist, 'sdk/tandem-embed.js'), path.join(dist, 'tandem-embed.js'))

execFileSync(
  process.execPath,
  [
    path.join(repoRoot, 'node_modules/typescript/bin/tsc'),
    '-p',
    path.join(packageDir, 'tsconfig.types.json'),
  ],
  {
    stdio: 'inherit',
  },
)

/** `@tandem/shared` and `@tandem/shared/<entry>` -> the relative path of its emitted declarations. */
function rewriteSharedImports(file) {
  const source = readFileSync(file, 'utf8')
  const rewritten = source.replace(/(['"])@tandem\/shared(\/[A-Za-z]+)?\1/g, (_, quote, entry) => {
    const target = path.join(typesDir, 'shared/src', entry ? entry.slice(1) : 'index')
    let relative = path.relative(path.dirname(file), target)
    if (!relative.startsWith('.')) relative = `./${relative}`
    return `${quote}${relative}.js${quote}`
  })
  if (rewritten !== source) writeFileSync(file, rewritten)
}

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) walk(full)
    else if (full.endsWith('.d.ts')) rewriteSharedImports(full)
  }
}
walk(typesDir)
for (const entry of ['index', 'editorNodes']) {
  if (!existsSync(path.join(typesDir, 'shared/src', `${entry}.d.ts`))) {
    throw new Error(`declarations of @tandem/shared/${entry} were not emitted`)
  }
}

const destination = path.resolve(process.argv[2] ?? packageDir)
mkdirSync(destination, { recursive: true })
const output = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], { cwd: packageDir })
const [packed] = JSON.parse(output.toString())
process.stdout.write(`${path.join(destination, packed.filename)}\n`)
