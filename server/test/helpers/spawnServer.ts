/** `spawnTandem` for vitest: the child process is killed when the test finishes. */
import { onTestFinished } from 'vitest'
import { type SpawnedServer, spawnTandem } from './tandemProcess'

export type { SpawnedServer }

export async function spawnServer(env: Record<string, string>): Promise<SpawnedServer> {
  const server = await spawnTandem(env)
  onTestFinished(() => server.kill())
  return server
}
