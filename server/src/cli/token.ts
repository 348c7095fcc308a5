/** `npm run token -- --room R --role editor --name Ann [--ttl 1h] [--sub id]`: prints a connection token. */
import { randomUUID } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ANY_ROOM, createToken, isRole, isValidRoomName, ROLES, type Role } from '@tandem/shared'
import { resolveSecret } from '../auth/secretFile'
import { loadConfig } from '../config'
import { readDurationSeconds } from '../durationSeconds'

/** Ten years: longer is almost certainly a typo, and such a token could never be taken back. */
const MAX_TTL_SECONDS = 10 * 365 * 86_400
const DEFAULT_TTL = '1h'

const USAGE = `Usage: npm run token -- --room <room|*> --role <${ROLES.join('|')}> [--name <display name>] [--ttl 1h] [--sub <user id>]

Prints a connection token signed with TANDEM_SECRET, or with the secret the server keeps in DATA_DIR
when TANDEM_SECRET is unset (created there if it does not exist yet).

  --room   room name, or "*" for every room (an admin token when --role is editor)
  --role   ${ROLES.join(' or ')}
  --name   display name (optional)
  --ttl    lifetime: seconds, or a number with s, m, h or d (default ${DEFAULT_TTL}; at most
           MAX_TOKEN_TTL, default 30d)
  --sub    user id (default: a random UUID)`

export interface TokenArgs {
  readonly room: string
  readonly role: Role
  readonly name: string | undefined
  readonly ttlSeconds: number
  readonly sub: string
}

export class UsageError extends Error {
  override name = 'UsageError'
}

/** Parses `30`, `30s`, `30m`, `1h`, `7d` into whole seconds (1 to ten years). */
export function parseDuration(text: string): number {
  const seconds = readDurationSeconds(text)
  if (seconds === undefined)
    throw new UsageError(`--ttl: expected a duration like 30m, 1h or 7d, got ${JSON.stringify(text)}`)
  if (seconds < 1 || seconds > MAX_TTL_SECONDS) {
    throw new UsageError(`--ttl: must be between 1 second and 10 years, got ${JSON.stringify(text)}`)
  }
  return seconds
}

/** Parses the CLI arguments (`--flag value` or `--flag=value`); undefined means `--help` was asked for. */
export function parseTokenArgs(argv: readonly string[]): TokenArgs | undefined {
  const known = new Set(['--room', '--role', '--name', '--ttl', '--sub'])
  const values = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') return undefined
    const eq = arg.indexOf('=')
    const flag = eq === -1 ? arg : arg.slice(0, eq)
    if (!known.has(flag)) throw new UsageError(`unknown argument ${JSON.stringify(arg)}`)
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1)
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`)
    values.set(flag, value)
  }
  const room = values.get('--room')
  if (room === undefined) throw new UsageError('--room is required')
  if (room !== ANY_ROOM && !isValidRoomName(room)) {
    throw new UsageError(
      `--room: expected "*" or 1-128 characters of A-Z a-z 0-9 . _ ~ -, got ${JSON.stringify(room)}`,
    )
  }
  const role = values.get('--role')
  if (role === undefined) throw new UsageError('--role is required')
  if (!isRole(role))
    throw new UsageError(`--role: expected ${ROLES.join(' or ')}, got ${JSON.stringify(role)}`)
  return {
    room,
    role,
    name: values.get('--name'),
    ttlSeconds: parseDuration(values.get('--ttl') ?? DEFAULT_TTL),
    sub: values.get('--sub') ?? randomUUID(),
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let args: TokenArgs | undefined
  try {
    args = parseTokenArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`token: ${error.message}\n\n${USAGE}`)
    return 2
  }
  if (args === undefined) {
    console.log(USAGE)
    return 0
  }
  // The server's configuration module is the one place that knows TANDEM_SECRET, DATA_DIR and MAX_TOKEN_TTL.
  const config = loadConfig(process.env, [])
  if (args.ttlSeconds > config.maxTokenTtlSeconds) {
    // The server would refuse such a token (401): say so now rather than hand out a dud.
    console.error(
      `token: --ttl: at most MAX_TOKEN_TTL (${config.maxTokenTtlSeconds} s), got ${args.ttlSeconds} s\n\n${USAGE}`,
    )
    return 2
  }
  const resolved = await resolveSecret(config)
  if (resolved.generated) {
    console.error(
      `token: TANDEM_SECRET is unset; generated a new secret in ${resolved.path} (the server there will use it)`,
    )
  }
  const token = await createToken({ secret: resolved.secret, ...args })
  console.log(token)
  return 0
}

function isEntryPoint(): boolean {
  const script = process.argv[1]
  if (script === undefined) return false
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      console.error(`token: ${error instanceof Error ? error.message : String(error)}`)
      process.exitCode = 1
    },
  )
}
