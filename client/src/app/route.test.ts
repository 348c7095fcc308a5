// @vitest-environment node

import { shareLinkPath } from '@tandem/shared'
import { describe, expect, it } from 'vitest'
import { absoluteUrl, parseRoute } from './route'

const at = (url: string) => {
  const parsed = new URL(url, 'http://tandem.test')
  return parseRoute({ pathname: parsed.pathname, search: parsed.search, hash: parsed.hash })
}

describe('parseRoute', () => {
  it('reads the share key from the fragment, never the query', () => {
    expect(at('/d/abc123#key=K-1_x')).toEqual({ page: 'document', documentId: 'abc123', shareKey: 'K-1_x' })
    expect(at('/d/abc123?key=leak')).toEqual({ page: 'document', documentId: 'abc123', shareKey: null })
    expect(at('/d/abc123#key=')).toEqual({ page: 'document', documentId: 'abc123', shareKey: null })
  })

  it('parses the embed route with a token in the query or the fragment', () => {
    expect(at('/embed/room-1?token=t.q.s')).toEqual({
      page: 'embed',
      room: 'room-1',
      token: 't.q.s',
      readOnly: false,
      localCopy: false,
    })
    expect(at('/embed/room-1#token=t.f.s&readOnly=1')).toEqual({
      page: 'embed',
      room: 'room-1',
      token: 't.f.s',
      readOnly: true,
      localCopy: false,
    })
    expect(at('/embed/room-1?token=t.q.s&localCopy=1')).toMatchObject({ localCopy: true })
    expect(at('/embed/room-1')).toMatchObject({ page: 'embed', token: null })
  })

  it('knows home, and refuses unknown paths and invalid room names', () => {
    expect(at('/')).toEqual({ page: 'home' })
    expect(at('/nope')).toEqual({ page: 'not-found' })
    expect(at('/d/a/b')).toEqual({ page: 'not-found' })
    expect(parseRoute({ pathname: '/d/%2E%2E', search: '', hash: '' })).toEqual({ page: 'not-found' })
    expect(at('/d/has%20space')).toEqual({ page: 'not-found' })
    expect(at('/d/%E0%A4%A')).toEqual({ page: 'not-found' })
  })
})

describe('shareLinkPath', () => {
  it('round-trips through parseRoute', () => {
    const path = shareLinkPath('doc_1', 'a+b/c=')
    expect(at(path)).toEqual({ page: 'document', documentId: 'doc_1', shareKey: 'a+b/c=' })
    expect(absoluteUrl(path, 'https://docs.example.com')).toBe(`https://docs.example.com${path}`)
  })
})
