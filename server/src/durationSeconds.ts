/** Durations as operators write them: whole seconds, or a number with s, m, h or d. */

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const

/** `90`, `30s`, `30m`, `1h`, `7d` as whole seconds; undefined for anything else (`1.5h`, `1w`, `-1`). */
export function readDurationSeconds(text: string): number | undefined {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim())
  if (!match) return undefined
  const unit = (match[2] || 's') as keyof typeof UNIT_SECONDS
  return Number(match[1]) * UNIT_SECONDS[unit]
}
