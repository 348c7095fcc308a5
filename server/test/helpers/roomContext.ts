/** The room layer's context for unit tests: the real commit queue over a store, no relay, small limits. */
import { createLogger } from '../../src/logger'
import { Metrics } from '../../src/metrics'
import { CommitQueue } from '../../src/persistence/CommitQueue'
import type { DocumentStore } from '../../src/persistence/DocumentStore'
import type { RoomContext } from '../../src/rooms/Room'

export function testRoomContext(store: DocumentStore, metrics = new Metrics()): RoomContext {
  return {
    store,
    commits: new CommitQueue(store),
    relay: undefined,
    metrics,
    logger: createLogger('silent', false),
    compactThresholdRows: 1000,
    compactThresholdBytes: 1024 * 1024,
    maxDocumentBytes: 1024 * 1024,
    maxAwarenessBytes: 64 * 1024,
    maxAwarenessClientsPerConnection: 4,
    maxRoomPresence: 100,
    presenceWindowMaxMs: 50,
    maxPendingBytes: 64 * 1024,
    onEmpty: () => {},
  }
}
