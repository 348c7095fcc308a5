// @vitest-environment node
// A pure layout function: no DOM needed.
import { describe, expect, it } from 'vitest'
import { pinThreadCards } from './pinThreadCards'

const card = (id: string, anchorTop: number | null, height = 100) => ({ id, anchorTop, height })
const tops = (result: ReturnType<typeof pinThreadCards>) => Object.fromEntries(result.tops)

describe('pinThreadCards', () => {
  it('puts each card level with its text, in the order of the text', () => {
    const result = pinThreadCards([card('b', 600), card('a', 40)], null, 10)
    expect(tops(result)).toEqual({ a: 40, b: 600 })
    expect(result.height).toBe(700)
  })

  it('pushes a card down just enough not to overlap the one above', () => {
    expect(tops(pinThreadCards([card('a', 40), card('b', 60), card('c', 100)], null, 10))).toEqual({
      a: 40,
      b: 150,
      c: 260,
    })
  })

  it('aligns the active card with its text and pushes the ones above it up', () => {
    expect(tops(pinThreadCards([card('a', 200), card('b', 220), card('c', 240)], 'b', 10))).toEqual({
      a: 110,
      b: 220,
      c: 330,
    })
  })

  it('never above the top: the active card then sits as high as the cards above allow', () => {
    expect(tops(pinThreadCards([card('a', 0), card('b', 20)], 'b', 10))).toEqual({ a: 0, b: 110 })
  })

  it('puts threads without text below all the others', () => {
    const result = pinThreadCards([card('gone', null, 50), card('a', 300)], null, 10)
    expect(tops(result)).toEqual({ a: 300, gone: 410 })
    expect(result.height).toBe(460)
  })
})
