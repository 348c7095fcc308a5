/**
 * A cheap upper estimate of a document's encoded size (`Y.encodeStateAsUpdate(doc).byteLength`),
 * to refuse updates that would grow it past MAX_DOCUMENT_BYTES without encoding it per keystroke.
 */

/** A document near its limit is measured exactly at most this often (one encode of the whole doc). */
export const REMEASURE_MIN_INTERVAL_MS = 5000

export interface DocumentSizeOptions {
  readonly maxBytes: number
  /** Bytes known at load: snapshot plus update log. Usually above the encoded size (logs overlap). */
  readonly loadedBytes: number
  /** The exact encoded size of the applied document; costs one full encode. */
  readonly measure: () => number
  /** Clock in milliseconds. Default `performance.now`. */
  readonly now?: () => number
}

/** Shared by every room: a bound `performance.now` per room would cost each one a closure. */
function monotonicNow(): number {
  return performance.now()
}

/**
 * The estimate is the last exact measure (or the stored bytes at load), plus the bytes of every
 * update accepted since, applied or still being stored. Encoding an update into a document rarely
 * adds more than the update's own size, and deletions shrink it later, so the estimate errs high.
 * Only when it would pass the limit is the document measured again, if it changed since the last
 * measure and that was at least REMEASURE_MIN_INTERVAL_MS ago; the update is refused when even
 * that measure leaves no room.
 */
export class DocumentSize {
  private measuredBytes: number
  /** The limit this document is held to. */
  get maxBytes(): number {
    return this.options.maxBytes
  }
  /** Applied since the last measure (client updates after commit, relayed updates). */
  private appliedBytes = 0
  /** Accepted from clients but not applied yet (queued or being stored). */
  private unappliedBytes = 0
  private changedSinceMeasure = true
  private measuredAtMs = Number.NEGATIVE_INFINITY
  private readonly now: () => number

  constructor(private readonly options: DocumentSizeOptions) {
    this.measuredBytes = options.loadedBytes
    this.now = options.now ?? monotonicNow
  }

  /** The current estimate in bytes. */
  get estimateBytes(): number {
    return this.measuredBytes + this.appliedBytes + this.unappliedBytes
  }

  /** True when an update of `byteLength` bytes keeps the document within the limit. */
  fits(byteLength: number): boolean {
    if (this.estimateBytes + byteLength <= this.options.maxBytes) return true
    const nowMs = this.now()
    if (this.changedSinceMeasure && nowMs - this.measuredAtMs >= REMEASURE_MIN_INTERVAL_MS) {
      this.measuredBytes = this.options.measure()
      this.appliedBytes = 0
      this.changedSinceMeasure = false
      this.measuredAtMs = nowMs
    }
    return this.estimateBytes + byteLength <= this.options.maxBytes
  }

  /** A client update was accepted for storing. */
  accepted(byteLength: number): void {
    this.unappliedBytes += byteLength
  }

  /** An accepted update left the queue: `applied` when it reached the document, not when storing failed. */
  settled(byteLength: number, applied: boolean): void {
    this.unappliedBytes -= byteLength
    if (applied) this.grew(byteLength)
  }

  /** The document changed by something not accepted here (a relayed update). */
  grew(byteLength: number): void {
    this.appliedBytes += byteLength
    this.changedSinceMeasure = true
  }
}
