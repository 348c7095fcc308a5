/**
 * In-memory DocumentStore: for tests, benchmarks and `STORAGE=memory`. RowStore over MemoryDatabase,
 * so it compacts and checks exactly as the SQL stores do. Nothing survives the process.
 */
import { RowStore } from '../RowStore'
import { MemoryDatabase } from './MemoryDatabase'

export class MemoryStore extends RowStore {
  /** `database` holds the rows; tests pass their own to reach them (e.g. to damage one). */
  constructor(database = new MemoryDatabase()) {
    super(database)
  }
}
