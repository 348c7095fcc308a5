/**
 * Playwright config for `npm run screenshot -w @tandem/e2e`: regenerates docs/screenshot.png. Not
 * part of `npm test`, so a test run never rewrites a tracked file.
 */
import { defineConfig } from '@playwright/test'
import baseConfig from './playwright.config'

export default defineConfig({
  ...baseConfig,
  testDir: './screenshot',
  reporter: 'list',
  workers: 1,
})
