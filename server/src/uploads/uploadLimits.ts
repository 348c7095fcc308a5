/** Default bounds on uploads (MAX_UPLOAD_BYTES and friends in config.ts), used where no config is passed. */

const MiB = 1024 * 1024

/** Largest single upload: a phone photo fits, a video does not. */
export const DEFAULT_MAX_UPLOAD_BYTES = 10 * MiB
/** Images one document may hold. */
export const DEFAULT_MAX_UPLOADS_PER_DOCUMENT = 500
/** Bytes of images one document may hold, so whoever holds an edit link cannot fill the disk. */
export const DEFAULT_MAX_UPLOAD_BYTES_PER_DOCUMENT = 256 * MiB
/** Uploads one document may take at once ... */
export const DEFAULT_UPLOAD_RATE_LIMIT_BURST = 30
/** ... then this many a minute. */
export const DEFAULT_UPLOADS_PER_MINUTE = 30
