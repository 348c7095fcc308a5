/** `npm run migrate-store -- --from sqlite:PATH --to postgres://...`: moves a deployment from SQLite to Postgres. */
import fs from 'node:fs'
import path from 'node:path'
import { copySqliteToPostgres } from '../persistence/copySqliteToPostgres'
import { databaseFile } from '../persistence/sqlite/SqliteStore'

const USAGE = `Usage: npm run migrate-store -- --from sqlite:PATH --to postgres://USER@HOST/DB [--force]

Copies documents, share keys and every room's state from a SQLite database (PATH is tandem.db or
the DATA_DIR holding it) into PostgreSQL, creating the schema there. Each room is compacted into
one snapshot; everything is written in one transaction, then read back and checked. Stop the
servers using the SQLite file first, so no edit lands after its room was copied.

  --force   copy into a database that already holds data: existing documents and keys are kept,
            room states are merged (running the same copy twice changes nothing)`

interface Arguments {
  readonly from: string
  readonly to: string
  readonly force: boolean
}

function parseArguments(argv: readonly string[]): Arguments | string {
  let from: string | undefined
  let to: string | undefined
  let force = false
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined]
    if (name === '--force') force = true
    else if (name === '--from' || name === '--to') {
      const value = inline ?? argv[++i]
      if (value === undefined) return `${name} needs a value`
      if (name === '--from') from = value
      else to = value
    } else return `unknown argument ${JSON.stringify(argv[i])}`
  }
  if (!from?.startsWith('sqlite:')) return '--from sqlite:PATH is required'
  if (!to || !/^postgres(ql)?:\/\//.test(to)) return '--to postgres://... is required'
  return { from: from.slice('sqlite:'.length), to, force }
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'the target database'
  }
}

const parsed = parseArguments(process.argv.slice(2))
if (typeof parsed === 'string') {
  console.error(`migrate-store: ${parsed}\n\n${USAGE}`)
  process.exit(2)
}

const resolved = path.resolve(parsed.from)
const source = fs.statSync(resolved, { throwIfNoEntry: false })?.isDirectory()
  ? databaseFile(resolved)
  : resolved
try {
  const summary = await copySqliteToPostgres(source, parsed.to, { force: parsed.force })
  const skipped = summary.skipped > 0 ? `; ${summary.skipped} records already there were kept` : ''
  console.log(
    `copied ${summary.documents} documents, ${summary.shareKeys} share keys, ${summary.uploads} images, ${summary.deliveries} pending webhook deliveries, ${summary.versions} versions and ${summary.rooms} rooms ` +
      `(${summary.bytes} bytes of document state) from sqlite:${source} to ${redacted(parsed.to)}${skipped}; ` +
      'every room read back and checked',
  )
} catch (error) {
  console.error(`migrate-store failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
