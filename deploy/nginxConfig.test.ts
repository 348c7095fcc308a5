/** The compose nginx.conf rendered for local ports: the lines it rewrites, and nginx's own `-t` check. */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { NGINX_CONFIG_FILE, NginxConfigError, readLocalNginxConfig, renderNginxConfig } from './nginxConfig'
import { NGINX_BINARY } from './startCluster'

const run = promisify(execFile)
const template = await readFile(NGINX_CONFIG_FILE, 'utf8')
const options = {
  listenPort: 18080,
  nodePorts: [14001, 14002, 14003],
  tempDir: '/tmp/tandem-nginx',
  accessLogFile: '/tmp/tandem-nginx/access.log',
}

describe('renderNginxConfig', () => {
  const rendered = renderNginxConfig(template, options)

  it('listens on the local port and balances over one server per node port, keeping the parameters', () => {
    expect(rendered).toContain('listen 127.0.0.1:18080;')
    expect(rendered).not.toMatch(/listen 8080;/)
    expect(rendered).not.toContain('tandem-1:1234')
    const servers = [...rendered.matchAll(/^\s*server (127\.0\.0\.1:\d+)( [^;]*);/gm)]
    expect(servers.map((match) => match[1])).toEqual([
      '127.0.0.1:14001',
      '127.0.0.1:14002',
      '127.0.0.1:14003',
    ])
    expect(new Set(servers.map((match) => match[2]))).toEqual(new Set([' max_fails=1 fail_timeout=5s']))
  })

  it('writes the access log and temp files where a non-root nginx may', () => {
    expect(rendered).toContain('access_log /tmp/tandem-nginx/access.log tandem;')
    expect(rendered).toContain('proxy_temp_path /tmp/tandem-nginx/proxy;')
    expect(rendered).toContain('client_body_temp_path /tmp/tandem-nginx/client_body;')
  })

  it('changes nothing else', () => {
    const kept = (text: string) =>
      text
        .split('\n')
        .filter((line) => !/^\s*(listen|server \S+:\d+|access_log|\w+_temp_path) /.test(line))
        .join('\n')
    expect(kept(rendered)).toBe(kept(template))
  })

  it('refuses a template without the lines it rewrites', () => {
    expect(() => renderNginxConfig(template.replace('listen 8080;', 'listen 80;'), options)).toThrow(
      NginxConfigError,
    )
    expect(() => renderNginxConfig(template.replaceAll('tandem-', 'app-'), options)).toThrow(NginxConfigError)
    expect(() => renderNginxConfig(template, { ...options, nodePorts: [] })).toThrow(NginxConfigError)
  })
})

describe('the rendered configuration', () => {
  let dir: string | undefined
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('passes nginx -t', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-nginx-test-'))
    const file = path.join(dir, 'nginx.conf')
    await writeFile(
      file,
      await readLocalNginxConfig({ ...options, tempDir: dir, accessLogFile: path.join(dir, 'access.log') }),
    )
    const globals = `pid ${path.join(dir, 'nginx.pid')};`
    const { stderr } = await run(NGINX_BINARY, ['-t', '-p', dir, '-c', file, '-e', 'stderr', '-g', globals])
    expect(stderr).toContain('test is successful')
  })
})
