/** The token secret: TANDEM_SECRET when set, else one generated once and kept in DATA_DIR. */
import { randomBytes } from 'node:crypto'
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config'

/** File in DATA_DIR that holds the generated secret. */
export const SECRET_FILE_NAME = 'tandem-secret'
/** 256 bits, well above HS256's 32-byte key size. */
export const GENERATED_SECRET_BYTES = 32
/** Secrets shorter than this (in UTF-8 bytes) are weaker than HS256's key size; the caller should warn. */
export const MIN_SECRET_BYTES = 32
/** Owner read/write only: anyone who reads the secret can mint tokens for every room. */
export const SECRET_FILE_MODE = 0o600

export interface ResolvedSecret {
  readonly secret: string
  /** True when this call created the secret file; the caller logs a one-line warning (never the secret). */
  readonly generated: boolean
  /** The file the secret came from; undefined when it came from `config.secret`. */
  readonly path: string | undefined
  /** True when the secret is shorter than MIN_SECRET_BYTES (only possible for a configured one). */
  readonly weak: boolean
}

/**
 * `config.secret` when set; otherwise the secret in `<dataDir>/tandem-secret`, created on first use
 * (mode 0600) so tokens survive restarts. Creation is atomic: concurrent starts agree on one secret,
 * and no reader ever sees a partly written file. Throws when the file exists but is empty.
 */
export async function resolveSecret(config: Pick<Config, 'secret' | 'dataDir'>): Promise<ResolvedSecret> {
  if (config.secret !== undefined) {
    return { secret: config.secret, generated: false, path: undefined, weak: isWeak(config.secret) }
  }
  const file = path.join(config.dataDir, SECRET_FILE_NAME)
  const existing = await readSecretFile(file)
  if (existing !== undefined)
    return { secret: existing, generated: false, path: file, weak: isWeak(existing) }
  await mkdir(config.dataDir, { recursive: true })
  const created = await createSecretFile(file)
  if (created) return { secret: created, generated: true, path: file, weak: false }
  // Another process won the race between our read and our link; use its secret.
  const winner = await readSecretFile(file)
  if (winner === undefined) throw new Error(`${file} vanished while it was being created`)
  return { secret: winner, generated: false, path: file, weak: isWeak(winner) }
}

function isWeak(secret: string): boolean {
  return Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES
}

async function readSecretFile(file: string): Promise<string | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  const secret = text.trim()
  if (secret === '')
    throw new Error(`${file} is empty; delete it to generate a new secret or set TANDEM_SECRET`)
  return secret
}

/**
 * Writes a fresh secret to a private temporary file, fsyncs it, then hard-links it into place:
 * `link` fails with EEXIST instead of overwriting, which makes "create if absent" atomic.
 * Returns undefined when the file appeared meanwhile.
 */
async function createSecretFile(file: string): Promise<string | undefined> {
  const secret = randomBytes(GENERATED_SECRET_BYTES).toString('base64url')
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  const handle = await open(temporary, 'wx', SECRET_FILE_MODE)
  try {
    await handle.writeFile(`${secret}\n`)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await link(temporary, file)
    await syncDirectory(path.dirname(file))
    return secret
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined
    throw error
  } finally {
    await unlink(temporary)
  }
}

/** Makes the new directory entry durable, so a crash right after start cannot lose the secret. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
