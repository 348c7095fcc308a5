// @vitest-environment node
import { UNNAMED_PERSON_NAME } from '@tandem/shared'
import { describe, expect, it } from 'vitest'
import { initialsOf, listPresence } from './presence'

const state = (name: string, userId?: string, color = '#123456') => ({
  name,
  color,
  focusing: false,
  anchorPos: null,
  focusPos: null,
  awarenessData: userId === undefined ? {} : { userId, role: 'editor' },
})

describe('listPresence', () => {
  it('shows one entry per user id however many tabs are open', () => {
    const states = new Map<number, Record<string, unknown>>([
      [10, state('Ann', 'u-ann')],
      [11, state('Ann', 'u-ann')],
      [20, state('Bob', 'u-bob')],
    ])
    const list = listPresence(states, 20, 'u-bob')
    expect(list.map((entry) => [entry.name, entry.connections, entry.isSelf])).toEqual([
      ['Bob', 1, true],
      ['Ann', 2, false],
    ])
  })

  it('keeps the first connection colour when tabs disagree', () => {
    const states = new Map<number, Record<string, unknown>>([
      [31, state('Ann', 'u-ann', '#ff0000')],
      [30, state('Ann', 'u-ann', '#00ff00')],
    ])
    const [entry] = listPresence(states, 99, 'me')
    expect(entry).toMatchObject({ name: 'Ann', color: '#00ff00', connections: 2 })
  })

  it('does not merge a peer claiming someone else user id under another (server-set) name', () => {
    const states = new Map<number, Record<string, unknown>>([
      [40, state('Ann', 'u-ann')],
      [1, state('Eve', 'u-ann')],
      [50, state('Me', 'u-me')],
      [2, state('Eve again', 'u-me')],
    ])
    const list = listPresence(states, 50, 'u-me')
    expect(list.map((entry) => [entry.name, entry.connections, entry.isSelf])).toEqual([
      ['Me', 1, true],
      ['Ann', 1, false],
      ['Eve', 1, false],
      ['Eve again', 1, false],
    ])
  })

  it('counts clients without a user id once per connection and names the nameless', () => {
    const states = new Map<number, Record<string, unknown>>([
      [1, state('', undefined)],
      [2, state('Zed', undefined)],
    ])
    const list = listPresence(states, 5, 'me')
    expect(list.map((entry) => entry.name)).toEqual([UNNAMED_PERSON_NAME, 'Zed'])
  })
})

describe('initialsOf', () => {
  it('takes the first and last word', () => {
    expect(initialsOf('ada lovelace byron')).toBe('AB')
    expect(initialsOf('Ann')).toBe('A')
    expect(initialsOf('  ')).toBe('')
  })
})
