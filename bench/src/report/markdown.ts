/** Markdown building blocks for RESULTS.md: number formatting, ratio cells and tables. */
import { type Contender, type ContenderId, contender } from '../contenders/contenders'

export type ByContender<T> = Partial<Record<ContenderId, T>>

/** A number with `digits` decimals and thousands separators; "-" when missing. */
export function num(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '-'
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** Significant-figure formatting for values that span orders of magnitude (latencies). */
export function sig(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-'
  if (value >= 100) return num(value, 0)
  if (value >= 10) return num(value, 1)
  return num(value, 2)
}

export function pct(fraction: number | undefined): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return '-'
  return `${Math.round(fraction * 100)}%`
}

function ratio(value: number | undefined, base: number | undefined): string {
  if (
    value === undefined ||
    base === undefined ||
    !Number.isFinite(value) ||
    !Number.isFinite(base) ||
    base === 0
  ) {
    return '-'
  }
  return `${(value / base).toFixed(2)}×`
}

/** "value vs y-websocket / vs relay" for one contender's figure. */
export function ratioCell<T>(
  figures: ByContender<T>,
  id: ContenderId,
  read: (figure: T) => number | undefined,
): string {
  const own = figures[id]
  const value = own === undefined ? undefined : read(own)
  const yws = figures['y-websocket']
  const relay = figures.relay
  return `${ratio(value, yws === undefined ? undefined : read(yws))} / ${ratio(value, relay === undefined ? undefined : read(relay))}`
}

/** A markdown table; the first `textColumns` columns are left-aligned, the rest (figures) right-aligned. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  textColumns = 1,
): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  const rule = headers.map((_, i) => (i < textColumns ? '---' : '---:'))
  return [line(headers), line(rule), ...rows.map(line)].join('\n')
}

/** The contenders that have figures, in run order. */
export function contendersWith<T>(figures: ByContender<T>, order: readonly ContenderId[]): Contender[] {
  return order.filter((id) => figures[id] !== undefined).map(contender)
}

export const RATIO_NOTE =
  'Ratio columns: this contender divided by the y-websocket server / by the bare relay.'
