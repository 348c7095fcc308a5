/** Renders deploy/nginx.conf (written for docker compose) for a cluster of local processes. */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The load balancer's configuration, shared by docker compose and `npm run cluster`. */
export const NGINX_CONFIG_FILE = fileURLToPath(new URL('./nginx.conf', import.meta.url))

/** The compose file's port for the balancer and for every node (the conf names nodes `tandem-N:1234`). */
export const COMPOSE_LISTEN_PORT = 8080
export const COMPOSE_NODE_PORT = 1234

/** Temp directories nginx creates at start-up even when unused; its compiled-in defaults need root. */
const TEMP_PATH_DIRECTIVES = [
  'client_body_temp_path',
  'proxy_temp_path',
  'fastcgi_temp_path',
  'uwsgi_temp_path',
  'scgi_temp_path',
]

export interface LocalNginxOptions {
  /** Port the balancer listens on. */
  readonly listenPort: number
  /** One upstream server per node, in order. */
  readonly nodePorts: readonly number[]
  /** A directory nginx may write its temp files into. */
  readonly tempDir: string
  /**
   * File for the access log. The compose file logs to /dev/stdout, which nginx cannot open when its
   * stdout is the socket Node's child_process gives it.
   */
  readonly accessLogFile: string
  /** Address for the balancer and the nodes; default `127.0.0.1`. */
  readonly host?: string
}

export class NginxConfigError extends Error {
  override name = 'NginxConfigError'
}

const LISTEN_LINE = new RegExp(`^(\\s*)listen\\s+${COMPOSE_LISTEN_PORT}\\s*;`, 'gm')
/** `server tandem-1:1234 max_fails=1 ...;` inside the upstream block; group 2 keeps the parameters. */
const NODE_LINE = new RegExp(
  `^(\\s*)server\\s+tandem-\\d+:${COMPOSE_NODE_PORT}((?:\\s+[^;\\s]+)*)\\s*;[ \\t]*\\n`,
  'gm',
)
const HTTP_BLOCK = /^http\s*\{[ \t]*\n/m
const ACCESS_LOG_LINE = /^(\s*)access_log\s+\/dev\/stdout(\s[^;]*)?;/gm

/**
 * Rewrites the compose configuration for local processes: the `listen` port, one upstream server per
 * node port (keeping the first node line's parameters), the access log file, and temp paths inside
 * `tempDir`.
 * Throws NginxConfigError when the template no longer has the lines this relies on.
 */
export function renderNginxConfig(template: string, options: LocalNginxOptions): string {
  const host = options.host ?? '127.0.0.1'
  const listens = [...template.matchAll(LISTEN_LINE)]
  const nodes = [...template.matchAll(NODE_LINE)]
  if (listens.length !== 1) {
    throw new NginxConfigError(`expected one "listen ${COMPOSE_LISTEN_PORT};" line, found ${listens.length}`)
  }
  if (nodes.length === 0) {
    throw new NginxConfigError(
      `expected "server tandem-N:${COMPOSE_NODE_PORT} ...;" lines in the upstream block`,
    )
  }
  if (options.nodePorts.length === 0) throw new NginxConfigError('a cluster needs at least one node port')
  if (!HTTP_BLOCK.test(template)) throw new NginxConfigError('expected an "http {" block')
  if ([...template.matchAll(ACCESS_LOG_LINE)].length !== 1) {
    throw new NginxConfigError('expected one "access_log /dev/stdout ...;" line')
  }

  const [first] = nodes
  const indent = first?.[1] ?? '  '
  const parameters = first?.[2] ?? ''
  const localNodes = options.nodePorts
    .map((port) => `${indent}server ${host}:${port}${parameters};\n`)
    .join('')
  let nodeLinesSeen = 0
  const tempPaths = TEMP_PATH_DIRECTIVES.map(
    (directive) => `  ${directive} ${path.join(options.tempDir, directive.replace('_temp_path', ''))};\n`,
  ).join('')

  return template
    .replace(LISTEN_LINE, (_line, lead: string) => `${lead}listen ${host}:${options.listenPort};`)
    .replace(NODE_LINE, () => (nodeLinesSeen++ === 0 ? localNodes : ''))
    .replace(
      ACCESS_LOG_LINE,
      (_line, lead: string, format = '') => `${lead}access_log ${options.accessLogFile}${format};`,
    )
    .replace(HTTP_BLOCK, (open) => `${open}${tempPaths}`)
}

/** Reads deploy/nginx.conf and renders it (see `renderNginxConfig`). */
export async function readLocalNginxConfig(options: LocalNginxOptions): Promise<string> {
  return renderNginxConfig(await readFile(NGINX_CONFIG_FILE, 'utf8'), options)
}
