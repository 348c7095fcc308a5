/** `npm run backup -- <file> [--data-dir DIR]`: online backup of DATA_DIR/tandem.db while servers run. */
import path from 'node:path'
import { loadConfig } from '../config'
import { backupDatabase } from '../persistence/sqlite/backupDatabase'
import { databaseFile } from '../persistence/sqlite/SqliteStore'

const USAGE = `Usage: npm run backup -- <file> [--data-dir DIR]

Copies DATA_DIR/tandem.db (DATA_DIR from the environment or --data-dir, as for the server) into
<file>, a new file, using SQLite's online backup API: servers may keep running and writing.`

const [destination, ...flags] = process.argv.slice(2)
if (!destination || destination.startsWith('--')) {
  console.error(USAGE)
  process.exit(2)
}

try {
  // Only --data-dir matters here, but every server flag is accepted so one command line fits both.
  const config = loadConfig(process.env, flags)
  // Copying DATA_DIR/tandem.db would back up nothing these servers store.
  if (config.store.kind === 'postgres')
    throw new Error(
      'documents are kept in PostgreSQL (DATABASE_URL): back it up with pg_dump, see docs/postgres.md',
    )
  if (config.store.kind === 'memory') throw new Error('STORAGE=memory keeps nothing to back up')
  const source = databaseFile(config.store.dataDir)
  const target = path.resolve(destination)
  const { pages } = await backupDatabase(source, target)
  console.log(`backed up ${source} to ${target} (${pages} pages, integrity ok)`)
} catch (error) {
  console.error(`backup failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
