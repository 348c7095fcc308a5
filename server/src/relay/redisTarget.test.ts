import { describe, expect, it } from 'vitest'
import { parseRedisTarget, RedisUrlError } from './redisTarget'

describe('parseRedisTarget', () => {
  it('passes redis:// and rediss:// URLs through as a single server', () => {
    expect(parseRedisTarget('redis://127.0.0.1:6380/2')).toEqual({
      mode: 'standalone',
      url: 'redis://127.0.0.1:6380/2',
    })
    expect(parseRedisTarget('rediss://:pw@redis.example:6380')).toEqual({
      mode: 'standalone',
      url: 'rediss://:pw@redis.example:6380',
    })
  })

  it('reads cluster seed nodes, IPv6 hosts and percent-encoded credentials', () => {
    expect(parseRedisTarget('redis-cluster://10.0.0.1:7000,[::1]:7001,redis-c:7002/')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '::1', port: 7001 },
        { host: 'redis-c', port: 7002 },
      ],
      username: undefined,
      password: undefined,
    })
    expect(parseRedisTarget('redis-cluster://tandem:p%40ss@h:7000')).toMatchObject({
      username: 'tandem',
      password: 'p@ss',
    })
    expect(parseRedisTarget('redis-cluster://:secret@h:7000')).toMatchObject({
      username: undefined,
      password: 'secret',
    })
  })

  it.each([
    ['http://localhost:6379', /expected redis:\/\//],
    ['localhost:6379', /expected redis:\/\//],
    ['redis-cluster://', /no cluster nodes/],
    ['redis-cluster://h1:7000,h2', /expected host:port, got "h2"/],
    ['redis-cluster://h1:99999', /expected host:port/],
    ['redis-cluster://:7000', /expected host:port/],
  ])('rejects %s', (url, message) => {
    expect(() => parseRedisTarget(url)).toThrow(RedisUrlError)
    expect(() => parseRedisTarget(url)).toThrow(message)
  })
})
