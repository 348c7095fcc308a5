import { runDocumentStoreContract } from '../documentStoreContract'
import { MemoryStore } from './MemoryStore'

runDocumentStoreContract('MemoryStore', async () => {
  const store = new MemoryStore()
  return { store, cleanup: () => store.close() }
})
