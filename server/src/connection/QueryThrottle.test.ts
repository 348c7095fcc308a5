import { describe, expect, it } from 'vitest'
import { QueryThrottle } from './QueryThrottle'

describe('QueryThrottle', () => {
  it('answers the first query at once and shares one later answer among the rest', async () => {
    const throttle = new QueryThrottle(50)
    let answers = 0
    const answer = () => answers++
    // Clock passed in: on a loaded machine the two calls could otherwise be 50 ms apart.
    const now = Date.now()
    expect(throttle.request(answer, now)).toBe('answered')
    expect(throttle.request(answer, now + 1)).toBe('deferred')
    for (let i = 0; i < 100; i++) expect(throttle.request(answer)).toBe('coalesced')
    expect(answers).toBe(1)
    const deadline = Date.now() + 2000
    while (answers < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(answers).toBe(2)
    throttle.cancel()
  })

  it('drops a deferred answer when cancelled', () => {
    const throttle = new QueryThrottle(10_000)
    let answers = 0
    throttle.request(() => answers++)
    throttle.request(() => answers++)
    throttle.cancel()
    expect(answers).toBe(1)
  })
})
