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
   * In one transaction with reading it: unless `coveredSince` is given and the document's claim was
   * taken after it, sets the claim to (`now`, `versionId`) with nobody waiting. Returns whether it
   * did, and the claim as it was before (null when the document had none).
   */
  claimVersion(
    documentId: string,
    versionId: string,
    coveredSince: number | null,
    now: number,
  ): Promise<{ readonly granted: boolean; readonly previous: VersionClaimRow | null }>
  /**
   * In one transaction: reads the document's claim and the authors of the version it names (null
   * while that version is not stored), hands both to `plan`, and stores what it returns: new authors
   * for that version, a new waiting list for the claim, both, or neither. Nothing without a claim.
   */
  updateClaimedVersionAuthors(documentId: string, plan: VersionAuthorsPlan): Promise<void>
}

/** What to write after reading a claim and its version's authors (see updateClaimedVersionAuthors). */
export type VersionAuthorsPlan = (
  claim: VersionClaimRow,
  version: VersionAuthorsRow | null,
) => { readonly version?: VersionAuthorsRow; readonly waiting?: VersionAuthorsRow }
