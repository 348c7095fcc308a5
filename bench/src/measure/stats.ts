/** Order statistics over samples: percentiles of latencies, medians of repetitions. */

/** The p-th percentile (0-100) by nearest rank; NaN for no samples. Sorts a copy. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = Float64Array.from(samples).sort()
  const rank = Math.ceil((p / 100) * sorted.length) - 1
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!
}

/** The median of the finite values (NaN when there are none). */
export function median(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite)
  return percentile(finite, 50)
}
