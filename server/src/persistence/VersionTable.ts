/**
 * The versions port of every adapter, as rows: RowStore checks that the store is open, maps the rows
 * (rowCodec.ts) and applies retention (versionRetention.ts), once for every adapter.
 */
import type { VersionAuthorsRow, VersionClaimRow, VersionInfoRow, VersionRow } from './rowCodec'

export interface VersionTable {
  /**
   * Rejects with `conflict` when the document already has a version with this id; false (nothing
   * stored) when the document is marked deleted, checked in the same statement as the insert.
   */
  insertVersion(row: VersionRow): Promise<boolean>
  /** Without data; newest first, ties by version id descending. */
  selectVersionsOfDocument(documentId: string): Promise<readonly VersionInfoRow[]>
  selectVersion(documentId: string, versionId: string): Promise<VersionRow | null>
  /** Sets the name and kind `named`; false when the document has no such version. */
  updateVersionName(documentId: string, versionId: string, name: string): Promise<boolean>
  /**
   * Deletes those of the versions that are still automatic: one named (renamed) since pruning was
   * planned stays.
   */
  deleteAutoVersions(documentId: string, versionIds: readonly string[]): Promise<void>
  /**
   * In one transaction: reads the document's claim and the store's clock (ms since the epoch: the
   * database's for PostgreSQL, the host's for SQLite and memory, so one clock for every node), asks
   * `grant`, and when it says yes sets the claim to (that clock, `versionId`) with nobody waiting,
   * unless the document is marked deleted (checked with the write: no claim outlives its document).
   * Returns the answer, the claim as it was before (null when none) and the clock read.
   */
  claimVersion(
    documentId: string,
    versionId: string,
    grant: VersionClaimRule,
  ): Promise<{ readonly granted: boolean; readonly previous: VersionClaimRow | null; readonly now: number }>
  /**
   * In one transaction: reads the document's claim and the authors of the version it names (null
   * while that version is not stored), hands both to `plan`, and stores what it returns: new authors
   * for that version, a new waiting list for the claim, both, or neither. Nothing without a claim.
   */
  updateClaimedVersionAuthors(documentId: string, plan: VersionAuthorsPlan): Promise<void>
}

/** Whether a claim is granted, given the claim before it and the store's clock (see claimVersion). */
export type VersionClaimRule = (previous: VersionClaimRow | null, now: number) => boolean

/** What to write after reading a claim and its version's authors (see updateClaimedVersionAuthors). */
export type VersionAuthorsPlan = (
  claim: VersionClaimRow,
  version: VersionAuthorsRow | null,
) => { readonly version?: VersionAuthorsRow; readonly waiting?: VersionAuthorsRow }
