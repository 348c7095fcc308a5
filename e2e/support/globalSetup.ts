/**
 * Global setup: snapshots the built web app into a temp dir that every e2e server serves. The
 * server's static handler indexes its directory once at start-up, so a rebuild of client/dist while
 * the suite runs (a watcher, a second checkout task) would otherwise break pages mid-run.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const CLIENT_DIST = fileURLToPath(new URL('../../client/dist', import.meta.url))
/** Environment variable through which the workers learn the snapshot's path. */
export const STATIC_DIR_ENV = 'TANDEM_E2E_STATIC_DIR'

export default function globalSetup(): () => void {
  for (const required of ['index.html', 'sdk/tandem-embed.js']) {
    if (!existsSync(path.join(CLIENT_DIST, required))) {
      throw new Error(
        `client/dist/${required} is missing: build the client first (npm run build -w @tandem/client)`,
      )
    }
  }
  const snapshot = mkdtempSync(path.join(tmpdir(), 'tandem-e2e-static-'))
  cpSync(CLIENT_DIST, snapshot, { recursive: true })
  process.env[STATIC_DIR_ENV] = snapshot
  return () => rmSync(snapshot, { recursive: true, force: true })
}
