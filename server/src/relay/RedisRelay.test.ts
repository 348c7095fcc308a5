import { Command, Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type RedisCluster, startRedisCluster } from '../../test/helpers/redisCluster'
import { type RedisServer, startRedisServer } from '../../test/helpers/redisServer'
import { createRelay } from './createRelay'
import { RedisRelay, relayChannel } from './RedisRelay'
import type { RelayLogger, RelayMessageKind } from './Relay'
import { parseRedisTarget } from './redisTarget'
import { encodeRelayEnvelope } from './relayCodec'
import {
  flush,
  type LogLine,
  recordingLogger,
  runRelayContract,
  untilConnected,
  update,
  type WatchedRelay,
  waitFor,
  watchRelay,
} from './relayContract'

runRelayContract('RedisRelay on one redis-server', async () => {
  const redis = await startRedisServer()
  return {
    createRelay: (nodeId, logger) => new RedisRelay({ target: parseRedisTarget(redis.url), nodeId, logger }),
    interrupt: () => redis.kill(),
    restore: () => redis.restart(),
    cleanup: () => redis.stop(),
  }
})

runRelayContract('RedisRelay on a 3-master Redis Cluster', async () => {
  const cluster = await startRedisCluster()
  return {
    createRelay: (nodeId, logger) =>
      new RedisRelay({ target: parseRedisTarget(cluster.url), nodeId, logger }),
    // The whole cluster at once: the case ioredis' own sharded subscribers never recover from.
    interrupt: async () => {
      await Promise.all(cluster.nodes.map((node) => node.server.kill()))
    },
    restore: async () => {
      await Promise.all(cluster.nodes.map((node) => node.server.restart()))
    },
    cleanup: () => cluster.stop(),
  }
})

/** A watched RedisRelay that also records what it reported to its observer. */
interface ObservedRelay extends WatchedRelay {
  readonly published: { kind: RelayMessageKind; bytes: number }[]
  readonly dropped: RelayMessageKind[]
  readonly received: { kind: RelayMessageKind; bytes: number; lagMs: number }[]
}

describe('RedisRelay', () => {
  const open: ObservedRelay[] = []

  function observedRelay(redisUrl: string, nodeId: string): ObservedRelay {
    const logs: LogLine[] = []
    const published: ObservedRelay['published'] = []
    const dropped: RelayMessageKind[] = []
    const received: ObservedRelay['received'] = []
    const relay = new RedisRelay({
      target: parseRedisTarget(redisUrl),
      nodeId,
      logger: recordingLogger(logs),
      observer: {
        onPublish: (kind, size) => published.push({ kind, bytes: size }),
        onDrop: (kind) => dropped.push(kind),
        onReceive: (kind, size, lagMs) => received.push({ kind, bytes: size, lagMs }),
      },
    })
    const observed = { ...watchRelay(relay, logs), published, dropped, received }
    open.push(observed)
    return observed
  }

  afterEach(async () => {
    await Promise.all(open.splice(0).map((node) => node.relay.close()))
  })

  describe('on one redis-server', () => {
    let redis: RedisServer

    beforeAll(async () => {
      redis = await startRedisServer()
    })

    afterAll(async () => {
      await redis?.stop()
    })

    it('reports sizes, relay lag and drops to its observer', async () => {
      const a = observedRelay(redis.url, 'a')
      const b = observedRelay(redis.url, 'b')
      await untilConnected(a, b)
      await b.join('doc')
      const before = Date.now()
      a.relay.publish('doc', { kind: 'awareness', update: new Uint8Array(100) })
      await waitFor(() => b.received.length === 1 && a.published.length === 1, 'observer calls')
      const elapsed = Date.now() - before
      expect(a.published[0]?.kind).toBe('awareness')
      expect(a.published[0]?.bytes).toBeGreaterThan(100)
      expect(b.received[0]).toMatchObject({ kind: 'awareness', bytes: a.published[0]?.bytes })
      expect(b.received[0]?.lagMs).toBeGreaterThanOrEqual(0)
      expect(b.received[0]?.lagMs).toBeLessThanOrEqual(elapsed)
      expect(a.received).toEqual([])
      expect(a.dropped).toEqual([])
    })

    it('logs and drops a malformed message, then delivers the next one', async () => {
      const a = observedRelay(redis.url, 'a')
      const b = observedRelay(redis.url, 'b')
      await untilConnected(a, b)
      await b.join('doc')
      const raw = new Redis(redis.url)
      try {
        await raw.publish(relayChannel('doc'), Buffer.from([0xff, 0x00, 0x13]))
      } finally {
        raw.disconnect()
      }
      a.relay.publish('doc', update(8))
      await waitFor(() => b.inbox('doc').length === 1, 'the valid message')
      expect(b.inbox('doc')).toEqual([{ from: 'a', message: update(8) }])
      expect(b.logs.map(({ level, message }) => `${level}: ${message}`)).toEqual([
        'info: redis relay connected',
        'warn: dropped a malformed relay message',
      ])
    })

    it('createRelay makes no relay without a Redis target (a malformed REDIS_URL never gets here)', async () => {
      const logger: RelayLogger = recordingLogger([])
      expect(await createRelay({ redis: undefined, nodeId: 'a', logger })).toBeUndefined()
    })
  })

  describe('through a Redis outage', () => {
    let redis: RedisServer

    beforeAll(async () => {
      redis = await startRedisServer()
    })

    afterAll(async () => {
      await redis?.stop()
    })

    it('is subscribed to exactly its rooms by the time it emits connected', async () => {
      const b = observedRelay(redis.url, 'b')
      await untilConnected(b)
      await Promise.all([b.join('before'), b.join('left')])
      await redis.kill()
      await waitFor(() => b.relay.state === 'disconnected', 'disconnected')
      await b.join('during')
      await b.relay.unsubscribe('left')

      // A raw client publishes the instant b reports 'connected': b must already be listening.
      const raw = new Redis(redis.url, { retryStrategy: () => 20 })
      raw.on('error', () => {})
      const probe = (room: string) =>
        raw.publish(
          relayChannel(room),
          Buffer.from(encodeRelayEnvelope({ from: 'probe', sentAtMs: Date.now(), message: update(42) })),
        )
      b.relay.onStateChange((state) => {
        if (state === 'connected') void Promise.all([probe('before'), probe('during')])
      })
      try {
        await redis.restart()
        await waitFor(() => b.inbox('before').length === 1 && b.inbox('during').length === 1, 'both probes')
        const channels = ['before', 'during', 'left'].map(relayChannel)
        expect(await raw.call('PUBSUB', 'NUMSUB', ...channels)).toEqual([
          channels[0],
          1,
          channels[1],
          1,
          channels[2],
          0,
        ])
      } finally {
        raw.disconnect()
      }
      expect(b.inbox('during')).toEqual([{ from: 'probe', message: update(42) }])
    })

    it('counts publishes while down as dropped and logs each distinct failure once', async () => {
      const a = observedRelay(redis.url, 'a')
      await untilConnected(a)
      await redis.kill()
      await waitFor(() => a.relay.state === 'disconnected', 'disconnected')
      for (let i = 0; i < 3; i++) a.relay.publish('doc', update(i))
      expect(a.dropped).toEqual(['update', 'update', 'update'])
      // Reconnect attempts fail every 100-1000 ms; wait for a few of them before restoring.
      await waitFor(() => a.logs.some((line) => line.message === 'redis relay error'), 'a connection error')
      await new Promise((resolve) => setTimeout(resolve, 500))
      await redis.restart()
      await untilConnected(a)
      const errors = a.logs.filter((line) => line.message === 'redis relay error')
      const distinct = new Set(
        errors.map((line) => JSON.stringify(line.context, ['context', 'err', 'message'])),
      )
      expect(errors.length).toBe(distinct.size)
      expect(a.logs.map((line) => line.message)).toContain(
        'redis relay disconnected; serving local clients until it is back',
      )
    })

    it('starts while Redis is down and connects when it appears', async () => {
      await redis.kill()
      const a = observedRelay(redis.url, 'a')
      await a.join('doc')
      a.relay.publish('doc', update(1))
      expect(a.dropped).toEqual(['update'])
      await redis.restart()
      const b = observedRelay(redis.url, 'b')
      await untilConnected(a, b)
      b.relay.publish('doc', update(2))
      await waitFor(() => a.inbox('doc').length === 1, 'delivery after a late start')
    })
  })

  describe('on a 3-master Redis Cluster', () => {
    let cluster: RedisCluster
    const rooms = Array.from({ length: 9 }, (_, i) => `room-${i}`)

    beforeAll(async () => {
      cluster = await startRedisCluster()
    })

    afterAll(async () => {
      await cluster?.stop()
    })

    async function masterPortOf(room: string): Promise<number> {
      const slot = new Command('spublish', [relayChannel(room)]).getSlot() as number
      const probe = new Redis(cluster.nodes[0]!.port, '127.0.0.1')
      try {
        const ranges = await probe.cluster('SLOTS')
        return ranges.find(([from, to]) => slot >= from && slot <= to)![2]![1]
      } finally {
        probe.disconnect()
      }
    }

    it('uses sharded pub/sub on the master owning each room, across all masters', async () => {
      const owners = await Promise.all(rooms.map(masterPortOf))
      expect(new Set(owners).size).toBe(3)
      const a = observedRelay(cluster.url, 'a')
      const b = observedRelay(cluster.url, 'b')
      await untilConnected(a, b)
      await Promise.all(rooms.flatMap((room) => [a.join(room), b.join(room)]))
      rooms.forEach((room, i) => {
        a.relay.publish(room, update(i))
      })
      await waitFor(() => rooms.every((room) => b.inbox(room).length === 1), 'b to hear every room')
      rooms.forEach((room, i) => {
        expect(b.inbox(room)).toEqual([{ from: 'a', message: update(i) }])
      })
      await Promise.all(rooms.map((room) => flush(b, a, room)))

      for (const [i, room] of rooms.entries()) {
        const owner = new Redis(owners[i]!, '127.0.0.1')
        try {
          const channel = relayChannel(room)
          expect(await owner.call('PUBSUB', 'SHARDNUMSUB', channel)).toEqual([channel, 2])
          expect(await owner.call('PUBSUB', 'NUMSUB', channel)).toEqual([channel, 0])
        } finally {
          owner.disconnect()
        }
      }
    })
  })
})
