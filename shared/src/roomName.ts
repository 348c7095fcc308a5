/** Room names as they appear in `/ws/<room>`: safe in URLs, logs, Redis channel names and SQL. */

export const MAX_ROOM_NAME_LENGTH = 128
const ROOM_NAME_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/

/** 1-128 characters of `[A-Za-z0-9._~-]`, and not `.` or `..` (proxies resolve those as path segments). */
export function isValidRoomName(name: string): boolean {
  return ROOM_NAME_PATTERN.test(name) && name !== '.' && name !== '..'
}

/** Path prefix of the WebSocket endpoint. */
export const WEBSOCKET_PATH_PREFIX = '/ws/'
