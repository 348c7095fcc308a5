import { afterEach, describe, expect, it } from 'vitest'
import { pingRedis, type RedisServer, startRedisServer } from './redisServer'

describe('startRedisServer', () => {
  let server: RedisServer | undefined

  afterEach(async () => {
    await server?.stop()
    server = undefined
  })

  it('answers PING on the port it reports, and not after stop()', async () => {
    server = await startRedisServer()
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`)
    expect(await pingRedis(server.port)).toBe(true)
    await server.stop()
    expect(await pingRedis(server.port)).toBe(false)
  })

  it('kill() takes it down at once and restart() brings it back on the same port', async () => {
    server = await startRedisServer()
    const { port } = server
    await server.kill()
    expect(await pingRedis(port)).toBe(false)
    await server.restart()
    expect(server.port).toBe(port)
    expect(await pingRedis(port)).toBe(true)
  })

  it('runs two independent servers side by side', async () => {
    server = await startRedisServer()
    const other = await startRedisServer()
    try {
      expect(other.port).not.toBe(server.port)
      expect(await pingRedis(other.port)).toBe(true)
    } finally {
      await other.stop()
    }
  })

  it('fails with the server output when the port is taken', async () => {
    server = await startRedisServer()
    await expect(startRedisServer({ port: server.port })).rejects.toThrow(/exited during start-up/)
  })
})
