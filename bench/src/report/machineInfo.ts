/** The machine and software a run measured: CPU, cores, Node, and every contender's version. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { packageVersion, REPO_ROOT } from '../contenders/contenders'

export interface MachineInfo {
  readonly cpuModel: string
  readonly cores: number
  readonly memoryGiB: number
  readonly node: string
  readonly kernel: string
  readonly loadAverage: readonly number[]
}

export interface Versions {
  readonly tandem: string
  readonly yWebsocketServer: string
  readonly yWebsocketServerWs: string
  readonly hocuspocus: string
  readonly hocuspocusSqlite: string
  readonly ws: string
  readonly yjs: string
  readonly yProtocols: string
  readonly betterSqlite3: string
  readonly redis: string
}

function run(command: string, args: readonly string[]): string | null {
  try {
    return execFileSync(command, args, {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return null
  }
}

export function readMachineInfo(): MachineInfo {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    // Not availableParallelism(): that is this process's affinity, one core once pinned.
    cores: cpus.length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg(),
  }
}

function nestedVersion(parent: string, name: string): string {
  try {
    const manifest = readFileSync(
      path.join(REPO_ROOT, 'node_modules', parent, 'node_modules', name, 'package.json'),
      'utf8',
    )
    return (JSON.parse(manifest) as { version: string }).version
  } catch {
    return packageVersion(name)
  }
}

export function readVersions(): Versions {
  const commit = run('git', ['rev-parse', '--short', 'HEAD']) ?? 'unknown commit'
  const dirty = (run('git', ['status', '--porcelain', '--', 'server', 'shared']) ?? '') !== ''
  const redis = run('redis-server', ['--version'])
  return {
    tandem: `${commit}${dirty ? ' + uncommitted changes in server/ or shared/' : ''}`,
    yWebsocketServer: packageVersion('@y/websocket-server'),
    yWebsocketServerWs: nestedVersion('@y/websocket-server', 'ws'),
    hocuspocus: packageVersion('@hocuspocus/server'),
    hocuspocusSqlite: packageVersion('@hocuspocus/extension-sqlite'),
    ws: packageVersion('ws'),
    yjs: packageVersion('yjs'),
    yProtocols: packageVersion('y-protocols'),
    betterSqlite3: packageVersion('better-sqlite3'),
    redis: /v=([\d.]+)/.exec(redis ?? '')?.[1] ?? 'not installed',
  }
}
