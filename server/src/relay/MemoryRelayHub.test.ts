import { MemoryRelayHub } from './MemoryRelayHub'
import { runRelayContract } from './relayContract'

runRelayContract('MemoryRelayHub', async () => {
  const hub = new MemoryRelayHub()
  return {
    createRelay: (nodeId, logger) => hub.createRelay(nodeId, logger),
    interrupt: async () => hub.setConnected(false),
    restore: async () => hub.setConnected(true),
    cleanup: async () => {},
  }
})
