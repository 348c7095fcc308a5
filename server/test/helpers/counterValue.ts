/** Reads one value of a prom-client counter in tests. */
import type { Counter } from 'prom-client'

/** The value counted under `label` (any of its label values), or 0 when never counted. */
export async function counterValue(counter: Counter<string>, label: string): Promise<number> {
  const { values } = await counter.get()
  return values.find((value) => Object.values(value.labels).includes(label))?.value ?? 0
}
