/**
 * Makes a SQLite database's WAL durable with fdatasync, on libuv's thread pool, so the event loop
 * never waits for the disk. SqliteStore commits with synchronous=NORMAL (the commit's frames reach
 * the OS, which survives a kill of the process) and then, for durability `fsync`, awaits this before
 * anyone sees the batch: the same guarantee as synchronous=FULL, which would fsync inside the commit
 * and block the event loop for it. For durability `process` it runs once a second.
 */
import fs from 'node:fs'

export class WalSync {
  private fd: number | null = null
  private ino = -1

  constructor(private readonly walPath: string) {}

  /** Flushes the WAL's data to the disk; rejects with the file system's error. */
  sync(): Promise<void> {
    try {
      // SQLite keeps the WAL (same file) while any connection of ours is open; should it ever be
      // replaced, the descriptor follows the new file rather than flush a deleted one.
      const { ino } = fs.statSync(this.walPath)
      if (this.fd === null || ino !== this.ino) {
        this.close()
        this.fd = fs.openSync(this.walPath, 'r')
        this.ino = fs.fstatSync(this.fd).ino
      }
    } catch (error) {
      return Promise.reject(error)
    }
    const fd = this.fd
    // The callback form: cheaper per call than FileHandle's promise (this runs once per batch).
    return new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())))
  }

  close(): void {
    if (this.fd === null) return
    const fd = this.fd
    this.fd = null
    fs.closeSync(fd)
  }
}
