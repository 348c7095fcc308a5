/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and names where the busy time went: self time per
 * function and per area (ws, Yjs, SQLite, Tandem's own code, Node internals, GC).
 */
import { readFileSync } from 'node:fs'
import { REPO_ROOT } from '../contenders/contenders'

interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
  readonly children?: readonly number[]
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

export interface HotSpot {
  readonly name: string
  readonly location: string
  /** The nearest Tandem function (server/ or shared/) on the stack, when the hot function is not one. */
  readonly via: string
  readonly selfMs: number
  /** Share of the busy (non-idle) time. */
  readonly share: number
}

export interface ProfileSummary {
  readonly busyMs: number
  readonly idleMs: number
  readonly functions: readonly HotSpot[]
  readonly areas: readonly HotSpot[]
}

/** Pseudo-frames V8 uses for time outside JavaScript functions. */
const IDLE = '(idle)'

function shortLocation(frame: CallFrame): string {
  if (!frame.url) return ''
  let file = frame.url.replace(/^file:\/\//, '')
  if (file.startsWith(REPO_ROOT)) file = file.slice(REPO_ROOT.length)
  const modules = file.lastIndexOf('node_modules/')
  if (modules !== -1) file = file.slice(modules + 'node_modules/'.length)
  // tsx compiles TypeScript to one line per module, so only the file name means anything there.
  return file.endsWith('.ts') ? file : `${file}:${frame.lineNumber + 1}`
}

function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  if (url.startsWith('node:')) return 'Node internals'
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (modules) return modules[1]!
  if (url.includes('/server/src/')) return 'Tandem server/src'
  // The production build bundles server and shared code into server/dist.
  if (url.includes('/server/dist/')) return 'Tandem server/dist'
  if (url.includes('/shared/src/')) return 'Tandem shared/src'
  return 'other'
}

interface Total {
  name: string
  location: string
  via: string
  us: number
}

function top(totals: Map<string, Total>, busyUs: number, count: number): HotSpot[] {
  return [...totals.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, count)
    .map((t) => ({
      name: t.name,
      location: t.location,
      via: t.via,
      selfMs: t.us / 1000,
      share: t.us / busyUs,
    }))
}

function isOwnCode(frame: CallFrame): boolean {
  return ['/server/src/', '/shared/src/', '/server/dist/'].some((dir) => frame.url.includes(dir))
}

function add(totals: Map<string, Total>, key: string, entry: Omit<Total, 'us'>, us: number): void {
  const total = totals.get(key) ?? { ...entry, us: 0 }
  total.us += us
  totals.set(key, total)
}

/**
 * Summarises the profiles of one process (its main thread and any worker threads each write one):
 * the `count` functions, with the Tandem caller they were reached from, and areas with most self time.
 */
export function summarizeCpuProfiles(files: readonly string[], count = 12): ProfileSummary {
  const functions = new Map<string, Total>()
  const areas = new Map<string, Total>()
  let idleUs = 0
  let busyUs = 0
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
    const frames = new Map<number, CallFrame>(profile.nodes.map((node) => [node.id, node.callFrame]))
    const parents = new Map<number, number>()
    for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)
    const viaOf = (id: number): string => {
      if (isOwnCode(frames.get(id)!)) return ''
      for (let at = parents.get(id); at !== undefined; at = parents.get(at)) {
        const frame = frames.get(at)!
        if (isOwnCode(frame)) return `${frame.functionName || '(anonymous)'} (${shortLocation(frame)})`
      }
      return ''
    }
    const selfUs = new Map<number, number>()
    for (let i = 0; i < profile.samples.length; i++) {
      const id = profile.samples[i]!
      selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
    }
    for (const [id, us] of selfUs) {
      const frame = frames.get(id)!
      if (frame.functionName === IDLE) {
        idleUs += us
        continue
      }
      busyUs += us
      const location = shortLocation(frame)
      const name = frame.functionName || '(anonymous)'
      const via = viaOf(id)
      add(functions, `${name}@${location}@${via}`, { name, location, via }, us)
      const area = areaOf(frame)
      add(areas, area, { name: area, location: '', via: '' }, us)
    }
  }
  return {
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    functions: top(functions, busyUs, count),
    areas: top(areas, busyUs, count),
  }
}
