/**
 * The update-log port: what an adapter stores for a room, as rows. Adapters hold the queries;
 * RowStore turns the rows into documents, checks them and compacts them, once for every adapter.
 */
import type { UpdateEntry } from './DocumentStore'
import type { BlobRow } from './rowCodec'

/** Row ids and snapshot versions: numbers from SQLite, BIGINT strings from PostgreSQL. */
export type RowNumber = number | string

/** One appended update as read back, not yet checked. */
export interface LogRow extends BlobRow {
  readonly id: RowNumber
}

/** A room's snapshot as read back, not yet checked; `version` grows by one per compaction. */
export interface SnapshotRow extends BlobRow {
  readonly version: RowNumber
}

/** A room's rows, read as one consistent state. */
export interface StoredRoom {
  readonly snapshot: SnapshotRow | null
  /** In append order. */
  readonly log: readonly LogRow[]
}

/**
 * Failures reject with StorageError. None of these checks whether the store is closed or the rows
 * are sound: RowStore does, before and after.
 */
export interface UpdateLog {
  /** The room's snapshot and log read as one state: a compaction committing meanwhile cannot hide rows. */
  readRoom(room: string): Promise<StoredRoom>
  /**
   * Appends every entry, with its checksum, in one transaction; resolves once the batch is as
   * durable as DURABILITY promises. The buffers are copied before the first await.
   */
  appendUpdates(entries: readonly UpdateEntry[]): Promise<void>
  /**
   * In one transaction: stores `snapshot` if the room's snapshot version is still `expectedVersion`
   * (null: the room has none) and deletes exactly the `folded` rows; otherwise changes nothing.
   * Rows appended meanwhile stay in the log. Runs while the store is closing.
   */
  replaceSnapshot(
    room: string,
    snapshot: Uint8Array,
    expectedVersion: RowNumber | null,
    folded: readonly LogRow[],
  ): Promise<void>
  /** Rows and bytes of the room's log since its snapshot. */
  logSize(room: string): Promise<{ rows: number; bytes: number }>
}
