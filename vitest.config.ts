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
          // Headless editors bound to Y.Docs take ~1 s on a quiet machine and passed 5 s only barely
          // at load 17 (two timed out in a full run beside a Chromium run).
          testTimeout: 20_000,
        },
      },
      { test: { name: 'sdk', root: './sdk', include: ['*/src/**/*.test.ts'] } },
      // The smoke run starts eight contenders in turn: ~50 s quiet, past 120 s at load 17.
      { test: { name: 'bench', root: './bench', include: ['**/*.test.ts'], testTimeout: 300_000 } },
      { test: { name: 'deploy', root: './deploy', include: ['**/*.test.ts'], testTimeout: 60_000 } },
    ],
  },
})
