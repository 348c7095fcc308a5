/** Structured JSON logs (pino); human-readable when run in a terminal. */
import { type Logger, pino } from 'pino'
import type { LogLevel } from './config'

export type { Logger }

/** Paths pino blanks out wherever they appear, so a token put in a log object by mistake never lands. */
const REDACT_PATHS = [
  'token',
  'secret',
  'shareKey',
  '*.token',
  '*.secret',
  '*.shareKey',
  'req.headers.authorization',
]

export function createLogger(level: LogLevel, pretty = process.stdout.isTTY === true): Logger {
  return pino({
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  })
}
