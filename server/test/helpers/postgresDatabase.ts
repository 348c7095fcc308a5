/** `startPostgresServer` for vitest: one server per test file, fresh databases on demand, all removed afterwards. */
import { afterAll, beforeAll } from 'vitest'
import { type PostgresServer, startPostgresServer } from './postgresServer'

/** initdb plus start-up takes 1-2 s, more on a busy machine. */
const START_TIMEOUT_MS = 60_000

export interface PostgresFixture {
  /** The running server (after the file's beforeAll). */
  readonly server: PostgresServer
  /** Creates a fresh, empty database and returns its URL; it is dropped when the file finishes. */
  createDatabase(): Promise<string>
}

/** Registers beforeAll/afterAll hooks that start a throwaway Postgres server for this test file. */
export function usePostgres(): PostgresFixture {
  let server: PostgresServer | undefined
  const databases: string[] = []
  beforeAll(async () => {
    server = await startPostgresServer()
  }, START_TIMEOUT_MS)
  afterAll(async () => {
    if (!server) return
    for (const name of databases.splice(0)) await server.dropDatabase(name).catch(() => {})
    await server.stop()
  }, START_TIMEOUT_MS)
  return {
    get server() {
      if (!server) throw new Error('usePostgres: the server starts in beforeAll; use it inside tests')
      return server
    },
    async createDatabase() {
      const name = `tandem_test_${databases.length + 1}`
      databases.push(name)
      return this.server.createDatabase(name)
    },
  }
}
