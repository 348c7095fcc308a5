import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { clientAddress } from './clientAddress'

function request(forwardedFor: string | undefined): IncomingMessage {
  const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }
  return { headers, socket: { remoteAddress: '10.0.0.9' } } as unknown as IncomingMessage
}

describe('clientAddress', () => {
  it('uses the socket address unless the proxy is trusted', () => {
    expect(clientAddress(false)(request('1.2.3.4'))).toBe('10.0.0.9')
    expect(clientAddress(true)(request(undefined))).toBe('10.0.0.9')
  })

  it('takes the entry the trusted proxy appended, not one the client forged', () => {
    expect(clientAddress(true)(request('6.6.6.6, 203.0.113.7'))).toBe('203.0.113.7')
    expect(clientAddress(true)(request('203.0.113.7'))).toBe('203.0.113.7')
  })
})
