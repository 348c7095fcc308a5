/** Node-wide connection settings for tests that build a Connection by hand: roomy limits, silent logs. */
import type { ConnectionSettings } from '../../src/connection/Connection'
import { WireFrames } from '../../src/connection/WireFrames'
import { createLogger } from '../../src/logger'
import type { Metrics } from '../../src/metrics'

export function testConnectionSettings(metrics: Metrics, maxBufferedBytes = 1024 * 1024): ConnectionSettings {
  return {
    maxBufferedBytes,
    awarenessQueryIntervalMs: 1000,
    inbound: { messagesPerSecond: 1000, messagesBurst: 1000, bytesPerSecond: 1 << 20, bytesBurst: 1 << 20 },
    metrics,
    logger: createLogger('silent', false),
    frames: new WireFrames(),
  }
}
