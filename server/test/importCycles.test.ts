/**
 * Data flows one way (docs/architecture.md): no module imports itself through others, in the server,
 * the client or shared code. Type-only imports count too: a cycle of types is a cycle of concepts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const SOURCE = /\.(ts|tsx)$/
const TEST = /\.test\.(ts|tsx)$/
/** `import ... from './x'`, `export ... from '../y'`, `import './z'` (relative specifiers only). */
const RELATIVE_IMPORT = /^\s*(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"](\.{1,2}\/[^'"]+)['"]/gm

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && SOURCE.test(entry.name) && !TEST.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
}

/** The file a relative specifier names: `./x` -> x.ts, x.tsx or x/index.ts(x). */
function resolveImport(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
  const base = path.resolve(path.dirname(from), specifier).replace(/\.js$/, '')
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) {
    if (files.has(candidate)) return candidate
  }
  return undefined
}

/** Every cycle found by a depth-first walk, each as the files along it. */
function findCycles(root: string): string[][] {
  const files = new Set(sourceFiles(root))
  const imports = new Map<string, string[]>()
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    const targets = [...text.matchAll(RELATIVE_IMPORT)]
      .map((match) => resolveImport(file, match[1]!, files))
      .filter((target): target is string => target !== undefined)
    imports.set(file, targets)
  }
  const cycles: string[][] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const visit = (file: string) => {
    state.set(file, 'visiting')
    stack.push(file)
    for (const target of imports.get(file) ?? []) {
      if (state.get(target) === 'visiting') {
        cycles.push([...stack.slice(stack.indexOf(target)), target].map((f) => path.relative(REPO, f)))
      } else if (!state.has(target)) visit(target)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of files) if (!state.has(file)) visit(file)
  return cycles
}

describe('import cycles', () => {
  for (const root of ['server/src', 'client/src', 'shared/src']) {
    it(`none in ${root}`, () => {
      expect(findCycles(path.join(REPO, root))).toEqual([])
    })
  }

  it('are found when there is one, type-only imports included', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-cycles-'))
    try {
      writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b'\nexport const a = b\n")
      writeFileSync(path.join(dir, 'b.ts'), "import type { C } from './c'\nexport const b: C = 1\n")
      writeFileSync(path.join(dir, 'c.ts'), "export type { A } from './a'\nexport type C = number\n")
      writeFileSync(path.join(dir, 'd.ts'), "import { a } from './a'\nexport const d = a\n")
      const cycles = findCycles(dir).map((cycle) => cycle.map((file) => path.basename(file)))
      expect(cycles).toHaveLength(1)
      expect(cycles[0]).toHaveLength(4)
      expect(new Set(cycles[0])).toEqual(new Set(['a.ts', 'b.ts', 'c.ts']))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
