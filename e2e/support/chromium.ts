/**
 * Which Chromium the suite drives: Playwright's own build when installed, else a system Chromium
 * (CHROMIUM_PATH, or /usr/bin/chromium). Neither is a hard failure that says how to install one.
 */
import { existsSync } from 'node:fs'
import { chromium } from '@playwright/test'

const SYSTEM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser']

export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const bundled = chromium.executablePath()
  if (bundled && existsSync(bundled)) return undefined
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : SYSTEM_CANDIDATES
  const found = candidates.find((candidate) => existsSync(candidate))
  if (found) return found
  throw new Error(
    `No Chromium found (looked for Playwright's build and ${candidates.join(', ')}).\n` +
      'Install one with:  apt-get update && apt-get install -y chromium\n' +
      'or point CHROMIUM_PATH at an existing Chromium binary.',
  )
}

/**
 * A LAN-style name for loopback. Chromium treats http://localhost and http://127.0.0.1 as secure
 * contexts; http://tandem.lan:<port>/ is the plain-HTTP origin a self-hosted server often has.
 */
export const LAN_HOSTNAME = 'tandem.lan'

/** Flags for a root, sandbox-less CI machine with no network beyond loopback. */
export const CHROMIUM_ARGS = [
  `--host-resolver-rules=MAP ${LAN_HOSTNAME} 127.0.0.1`,
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
