/**
 * The benchmark harness at a tiny size: every contender and workload runs in seconds and the load
 * actually flows. Figures are not checked (they mean nothing at this size); `npm run bench` measures.
 */
import { afterAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readBenchOptions } from './src/benchOptions'
import { CONTENDER_IDS } from './src/contenders/contenders'
import { killAllServers } from './src/contenders/ServerProcess'
import { encodeTypingUpdate, TEXT_NAME } from './src/load/typingUpdates'
import { runBench } from './src/runBench'

describe('bench harness', () => {
  // A timed-out run leaves its contenders running; they must not outlive the test file.
  afterAll(killAllServers)

  it('hand-encodes typing updates byte for byte as Yjs does', () => {
    const doc = new Y.Doc()
    doc.clientID = 123_456_789
    const updates: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => updates.push(update))
    const text = doc.getText(TEXT_NAME)
    for (const [clock, char] of [...'typing'].entries()) {
      text.insert(text.length, char)
      expect(encodeTypingUpdate(doc.clientID, clock, char)).toEqual(updates[clock])
    }
  })

  it('runs every workload against every contender and delivers updates', async () => {
    const options = readBenchOptions(['--smoke'], {})
    const { results } = await runBench(options, { pin: false, quiet: true })

    expect(results.failures).toEqual([])
    for (const id of CONTENDER_IDS) {
      expect(results.fanout?.figures[id]?.deliveredPerSecond, `${id} fan-out`).toBeGreaterThan(0)
      expect(
        results.throughput?.figures[id]?.steps[0]?.deliveredPerSecond,
        `${id} throughput`,
      ).toBeGreaterThan(0)
      expect(results.readers?.byObservers.get(5)?.[id]?.deliveredPerSecond, `${id} readers`).toBeGreaterThan(
        0,
      )
      expect(results.presence?.byUsers.get(5)?.[id]?.deliveredShare, `${id} presence`).toBeGreaterThan(0)
      expect(results.idle?.figures[id]?.loadedMiB, `${id} idle`).toBeGreaterThan(0)
      expect(results.reconnect?.figures[id]?.unsynced, `${id} reconnect`).toBe(0)
      expect(results.persistence?.figures[id]?.updatesPerSecond, `${id} ingest`).toBeGreaterThan(0)
      if (id !== 'relay') {
        expect(results.join?.byDocument.get('large')?.[id]?.documentBytes, `${id} join`).toBeGreaterThan(0)
      }
    }
    // Workload 6's version of the large document, compacted and with a log.
    expect(results.join?.versionCost?.rows.map((row) => row.versionBytes > 0 && row.wallMs > 0)).toEqual([
      true,
      true,
    ])
    const crossNode = results.persistence?.crossNode
    if (crossNode?.ran) expect(crossNode.crossNode.deliveredPerSecond).toBeGreaterThan(0)
  })
})
