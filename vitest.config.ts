import { defineConfig } from 'vitest/config'

// One runner for every workspace's unit and integration tests; e2e runs under Playwright.
export default defineConfig({
  test: {
    // Vitest's default is one worker per core minus one: a single worker on a two-core CI machine.
    // Most files wait on sockets, child processes and disks, so two files at once use the cores
    // (measured under load: the whole run passes at two workers as it does at one).
    maxWorkers: 2,
    // CI also writes a JSON report, which .ci/summary.mjs folds into one closing line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: './test-results/vitest.json' },
    projects: [
      { test: { name: 'shared', root: './shared', include: ['src/**/*.test.ts'] } },
      {
        test: {
          name: 'server',
          root: './server',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'client',
          root: './client',
          include: ['src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
        },
      },
      { test: { name: 'sdk', root: './sdk', include: ['*/src/**/*.test.ts'] } },
      { test: { name: 'bench', root: './bench', include: ['**/*.test.ts'], testTimeout: 120_000 } },
      { test: { name: 'deploy', root: './deploy', include: ['**/*.test.ts'], testTimeout: 60_000 } },
    ],
  },
})
