/**
 * Checks docker-compose.yml, the Dockerfile, .env.example and deploy/nginx.conf against each other and
 * against the server's configuration, where no Docker engine can run them (`docker compose config`
 * needs the compose plugin; CI has neither).
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { OPTIONS } from '../server/src/config'
import { COMPOSE_LISTEN_PORT, COMPOSE_NODE_PORT, NGINX_CONFIG_FILE } from './nginxConfig'

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))
const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8')

interface HealthCheck {
  test: string[]
}
interface DependsOn {
  condition: string
}
interface Service {
  image?: string
  build?: string
  command?: string[]
  restart?: string
  environment?: Record<string, string>
  volumes?: string[]
  ports?: string[]
  healthcheck?: HealthCheck
  depends_on?: Record<string, DependsOn>
  profiles?: string[]
}
interface ComposeFile {
  services: Record<string, Service>
  volumes: Record<string, unknown>
}

// Compose files use YAML merge keys (`<<: *tandem-node`), a YAML 1.1 feature the parser must be asked for.
const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile
const nginxConf = readFileSync(NGINX_CONFIG_FILE, 'utf8')
const dockerfile = read('Dockerfile')
const envExample = read('.env.example')
const nodeNames = Object.keys(compose.services).filter((name) => /^tandem-\d+$/.test(name))
const nodes = nodeNames.map((name) => [name, compose.services[name]!] as const)
const defaultOf = (env: string) => OPTIONS.find((option) => option.env === env)?.defaultValue

/** Seconds of an nginx duration such as `60s` or `2m`. */
function nginxSeconds(value: string): number {
  const match = /^(\d+)(ms|s|m)?$/.exec(value)
  if (!match) throw new Error(`unexpected nginx duration ${value}`)
  const amount = Number(match[1])
  return match[2] === 'ms' ? amount / 1000 : match[2] === 'm' ? amount * 60 : amount
}

/** Dockerfile instructions, with continuation lines joined. */
function dockerInstructions(text: string): Array<{ keyword: string; args: string }> {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/)
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') }
    })
}

describe('docker-compose.yml', () => {
  it('runs redis, two Tandem nodes and nginx, each restarted when it stops', () => {
    const always = Object.entries(compose.services).filter(([, service]) => !service.profiles)
    expect(always.map(([name]) => name).sort()).toEqual(['nginx', 'redis', 'tandem-1', 'tandem-2'])
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.restart, `${name} restart policy`).toMatch(/^(always|unless-stopped|on-failure)/)
    }
  })

  it('checks redis health with redis-cli ping and sets its persistence explicitly', () => {
    const redis = compose.services.redis!
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping'])
    expect(redis.command).toEqual(expect.arrayContaining(['--save', '--appendonly']))
  })

  it('gives every node its own NODE_ID and the same volume, Redis, secret and proxy trust', () => {
    expect(nodes).toHaveLength(2)
    const ids = nodes.map(([, service]) => service.environment?.NODE_ID)
    expect(ids).toEqual(nodeNames)
    for (const [name, service] of nodes) {
      const env = service.environment ?? {}
      expect(service.build, name).toBe('.')
      expect(service.volumes, name).toEqual(['tandem-data:/data'])
      expect(env.DATA_DIR, name).toBe('/data')
      expect(env.REDIS_URL, name).toContain('redis://redis:6379')
      expect(env.TANDEM_SECRET, name).toMatch(/^\$\{TANDEM_SECRET:\?/)
      expect(env.TRUST_PROXY, name).toBe('true')
      expect(env.PORT, name).toBe(String(COMPOSE_NODE_PORT))
      expect(service.depends_on?.redis?.condition, name).toBe('service_healthy')
    }
    expect(Object.keys(compose.volumes)).toEqual(['tandem-data', 'tandem-postgres'])
  })

  it('offers PostgreSQL only behind the postgres profile, which the nodes wait for when active', () => {
    const postgres = compose.services.postgres!
    expect(postgres.profiles).toEqual(['postgres'])
    expect(postgres.healthcheck?.test).toEqual(['CMD-SHELL', 'pg_isready -U tandem -d tandem'])
    for (const [name, service] of nodes) {
      expect(service.depends_on?.postgres, name).toEqual({ condition: 'service_healthy', required: false })
    }
  })

  it('puts nginx on port 8080 with the mounted deploy/nginx.conf, after the nodes are healthy', () => {
    const nginx = compose.services.nginx!
    const mount = nginx.volumes?.find((volume) => volume.includes(':/etc/nginx/nginx.conf'))
    expect(mount).toBeDefined()
    const source = path.resolve(REPO_ROOT, mount!.split(':')[0]!)
    expect(source).toBe(NGINX_CONFIG_FILE)
    expect(existsSync(source)).toBe(true)
    expect(nginx.ports).toEqual([`\${TANDEM_HTTP_PORT:-8080}:${COMPOSE_LISTEN_PORT}`])
    for (const name of nodeNames) expect(nginx.depends_on?.[name]?.condition).toBe('service_healthy')
    expect(nginx.healthcheck?.test.join(' ')).toContain('/healthz')
  })
})

describe('deploy/nginx.conf', () => {
  it('balances over exactly the compose nodes, round robin', () => {
    const upstream = /upstream tandem \{([^}]*)\}/.exec(nginxConf)?.[1] ?? ''
    const servers = [...upstream.matchAll(/^\s*server\s+(\S+)/gm)].map((match) => match[1])
    expect(servers).toEqual(nodeNames.map((name) => `${name}:${COMPOSE_NODE_PORT}`))
    // Any balancing method other than the default would be a directive in the block.
    expect(upstream).not.toMatch(/\b(ip_hash|hash|least_conn|random)\b/)
    expect(upstream).toMatch(/\bzone\b/)
  })

  it('passes WebSocket upgrades and the client address to the nodes', () => {
    expect(nginxConf).toContain(`listen ${COMPOSE_LISTEN_PORT};`)
    expect(nginxConf).toContain('proxy_http_version 1.1;')
    expect(nginxConf).toContain('proxy_set_header Upgrade $http_upgrade;')
    expect(nginxConf).toContain('proxy_set_header Connection $connection_upgrade;')
    expect(nginxConf).toMatch(/proxy_set_header X-Forwarded-For \$\S+;/)
  })

  it('keeps idle WebSockets open longer than the heartbeat interval', () => {
    const heartbeatSeconds = Number(defaultOf('HEARTBEAT_INTERVAL_MS')) / 1000
    const read = /proxy_read_timeout\s+(\S+);/.exec(nginxConf)?.[1]
    const send = /proxy_send_timeout\s+(\S+);/.exec(nginxConf)?.[1]
    expect(nginxSeconds(read!)).toBeGreaterThan(2 * heartbeatSeconds)
    expect(nginxSeconds(send!)).toBeGreaterThan(2 * heartbeatSeconds)
  })

  it('never logs query strings, which carry connection tokens', () => {
    const format = /log_format\s+\w+([^;]*);/.exec(nginxConf)?.[1] ?? ''
    expect(format).not.toMatch(/\$(request|request_uri|args|query_string)\b/)
  })
})

describe('Dockerfile', () => {
  const instructions = dockerInstructions(dockerfile)
  const runtime = instructions.slice(instructions.findLastIndex((i) => i.keyword === 'FROM'))

  it('runs node directly as a non-root user, with a health check, SIGTERM and a /data volume', () => {
    const last = (keyword: string) => runtime.findLast((i) => i.keyword === keyword)?.args
    expect(last('FROM')).toMatch(/^node:\$\{NODE_VERSION\}-\S*slim AS runtime$/)
    expect(last('USER')).toBe('node')
    expect(last('VOLUME')).toBe('["/data"]')
    expect(last('STOPSIGNAL')).toBe('SIGTERM')
    expect(last('HEALTHCHECK')).toContain('/healthz')
    // Exec form with node first: no shell or npm in between to swallow SIGTERM.
    expect(JSON.parse(last('CMD')!)).toEqual(['node', 'server/dist/main.js'])
  })

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
    const sources = instructions
      .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
    expect(sources.length).toBeGreaterThan(0)
    for (const source of sources) {
      expect(existsSync(path.join(REPO_ROOT, source)), source).toBe(true)
      const top = source.split('/')[0]
      expect(ignored, source).not.toContain(source)
      expect(ignored, source).not.toContain(top)
    }
    expect(ignored).toEqual(expect.arrayContaining(['.env', '**/node_modules', 'data']))
  })

  it('applies patches/ wherever npm ci skips install scripts: the server bundles the patched packages', () => {
    const installs = instructions.filter((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args))
    expect(installs.length).toBeGreaterThan(0)
    for (const install of installs) {
      if (install.args.includes('--ignore-scripts'))
        expect(install.args, install.args).toContain('patch-package')
    }
  })

  it('copies the manifest of every npm workspace, as npm ci needs', () => {
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces
    for (const workspace of workspaces)
      expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/`)
  })
})

describe('.env.example', () => {
  const listed = new Set([...envExample.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]))

  it('lists every server setting', () => {
    const missing = OPTIONS.map((option) => option.env).filter((env) => !listed.has(env))
    expect(missing).toEqual([])
  })

  it('lists every variable docker-compose.yml reads', () => {
    const interpolated = [...read('docker-compose.yml').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1])
    expect(interpolated.length).toBeGreaterThan(0)
    expect(interpolated.filter((name) => !listed.has(name))).toEqual([])
  })

  it('leaves TANDEM_SECRET empty, so compose refuses to start until one is set', () => {
    expect(envExample).toMatch(/^TANDEM_SECRET=$/m)
  })
})
