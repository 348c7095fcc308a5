import { describe, expect, it } from 'vitest'
import { Metrics } from './metrics'

/** The value of one sample line of the exposition, e.g. `tandem_messages_total{direction="out",type="saved"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('Metrics', () => {
  it('message counts kept as tallies reach every scrape once, by direction and type', async () => {
    const metrics = new Metrics()
    metrics.countMessage('out', 'sync-update', 10, 9)
    metrics.countMessage('out', 'sync-update', 5)
    metrics.countMessage('in', 'sync-update', 7)
    const first = await metrics.registry.metrics()
    expect(sample(first, 'tandem_messages_total{direction="out",type="sync-update"}')).toBe(10)
    expect(sample(first, 'tandem_message_bytes_total{direction="out",type="sync-update"}')).toBe(95)
    expect(sample(first, 'tandem_messages_total{direction="in",type="sync-update"}')).toBe(1)
    metrics.countMessage('out', 'sync-update', 1)
    const second = await metrics.registry.metrics()
    expect(sample(second, 'tandem_messages_total{direction="out",type="sync-update"}')).toBe(11)
    expect(sample(second, 'tandem_message_bytes_total{direction="in",type="sync-update"}')).toBe(7)
  })
})
