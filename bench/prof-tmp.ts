import { BenchContext } from './src/BenchContext'
import { readBenchOptions } from './src/benchOptions'
import { contender } from './src/contenders/contenders'
import { profileTandem } from './src/workloads/profileTandem'
const options = readBenchOptions([], { ...process.env, BENCH_WORKLOADS: '1' })
const ctx = await BenchContext.create(options, { pin: true, quiet: false })
try {
  for (const id of ['tandem-process', 'tandem-memory'] as const) {
    const [run] = await profileTandem(ctx, contender(id))
    const s = run!.summary
    console.log(`\n=== ${id}: busy ${s.busyMs.toFixed(0)} ms`)
    for (const a of s.areas) console.log(`area ${a.name.padEnd(30)} ${a.selfMs.toFixed(0)}`)
    for (const f of s.functions) console.log(`fn ${f.name.padEnd(36)} ${(f.location ?? '').padEnd(50)} ${f.selfMs.toFixed(0)} via ${f.via ?? ''}`)
  }
} finally { await ctx.dispose() }
