/**
 * Hocuspocus on PORT/HOST, run as a child process: with its defaults and no extensions, or, when
 * HOCUSPOCUS_SQLITE names a file, with its SQLite extension (what a Hocuspocus user who needs
 * persistence runs). The extension stores the whole document through Hocuspocus's onStoreDocument,
 * which is debounced (2 s after the last change, at most 10 s by default), not each update.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { SQLite } from '@hocuspocus/extension-sqlite'
import { Server } from '@hocuspocus/server'

const database = process.env.HOCUSPOCUS_SQLITE
// The harness names a file in a fresh data directory; better-sqlite3 creates the file, not its folder.
if (database) mkdirSync(path.dirname(database), { recursive: true })
const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: process.env.HOST ?? '127.0.0.1',
  quiet: true,
  extensions: database ? [new SQLite({ database })] : [],
})
await server.listen()
console.log(JSON.stringify({ port: server.address.port, msg: 'listening' }))
