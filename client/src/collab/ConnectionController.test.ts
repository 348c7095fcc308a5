// @vitest-environment node
import { CLOSE_CODES } from '@tandem/shared'
import { describe, expect, it } from 'vitest'
import {
  CONNECT_TIMEOUT_MS,
  ConnectionController,
  type ControllerEnvironment,
  isAccessRevoked,
  type ProviderPort,
} from './ConnectionController'
import { RECONNECT_FIRST_WINDOW_MS, RECONNECT_MIN_DELAY_MS } from './reconnectPolicy'

/** Manual clock and timers; `advance` fires due timers in order. */
function createClock(random = () => 0.5) {
  let now = 1_000_000
  let nextId = 1
  const timers = new Map<number, { at: number; callback: () => void }>()
  const onlineListeners = new Set<(online: boolean) => void>()
  let online = true
  const env: ControllerEnvironment = {
    now: () => now,
    setTimer(callback, delayMs) {
      const id = nextId++
      timers.set(id, { at: now + delayMs, callback })
      return id
    },
    clearTimer: (handle) => timers.delete(handle as number),
    random,
    isOnline: () => online,
    watchOnline(listener) {
      onlineListeners.add(listener)
      return () => onlineListeners.delete(listener)
    },
  }
  return {
    env,
    advance(ms: number) {
      const until = now + ms
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, timer]) => timer.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0]
        if (due === undefined) break
        timers.delete(due[0])
        now = due[1].at
        due[1].callback()
      }
      now = until
    },
    setOnline(value: boolean) {
      online = value
      for (const listener of onlineListeners) listener(value)
    },
    pendingTimers: () => timers.size,
  }
}

type Handler = (...args: never[]) => void

/** Stands in for y-websocket's provider: records connects, lets the test open and close the socket. */
function createProvider() {
  const handlers = new Map<string, Set<Handler>>()
  const emit = (name: string, ...args: unknown[]) => {
    for (const handler of handlers.get(name) ?? []) (handler as (...values: unknown[]) => void)(...args)
  }
  const connectedWith: string[] = []
  const provider = {
    params: { saved: '1' } as Record<string, string>,
    shouldConnect: false,
    ws: null as object | null,
    connect() {
      provider.shouldConnect = true
      if (provider.ws !== null) return
      provider.ws = {}
      connectedWith.push(provider.params.token ?? '')
    },
    disconnect() {
      provider.shouldConnect = false
      if (provider.ws !== null) close(null)
    },
    on(name: string, handler: Handler) {
      if (!handlers.has(name)) handlers.set(name, new Set())
      handlers.get(name)!.add(handler)
    },
    off(name: string, handler: Handler) {
      handlers.get(name)?.delete(handler)
    },
  }
  const close = (code: number | null) => {
    provider.ws = null
    emit('connection-close', code === null ? null : { code })
  }
  return {
    port: provider as unknown as ProviderPort,
    connectedWith,
    open() {
      emit('status', { status: 'connected' })
    },
    sync() {
      emit('sync', true)
    },
    close,
  }
}

function setup(
  options: {
    getToken?: (reason: string) => Promise<string | null>
    random?: () => number
    probeUpgrade?: (token: string) => Promise<number | null>
  } = {},
) {
  const clock = createClock(options.random)
  const provider = createProvider()
  const controller = new ConnectionController({
    provider: provider.port,
    token: 'token-1',
    environment: clock.env,
    ...(options.getToken ? { getToken: options.getToken } : {}),
    ...(options.probeUpgrade ? { probeUpgrade: options.probeUpgrade } : {}),
  })
  return { clock, provider, controller }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('ConnectionController', () => {
  it('opens one socket for StrictMode connect, disconnect, connect', () => {
    const { clock, provider, controller } = setup()
    controller.start()
    controller.stop()
    controller.stop()
    controller.start()
    clock.advance(0)
    expect(provider.connectedWith).toEqual(['token-1'])
    expect(controller.state.get()).toEqual({ status: 'connecting', attempt: 0 })
    provider.open()
    provider.sync()
    expect(controller.state.get()).toEqual({ status: 'connected', synced: true })
  })

  it('reconnects after a restart with a jittered delay and a visible retry time', () => {
    const { clock, provider, controller } = setup({ random: () => 0.5 })
    controller.start()
    clock.advance(0)
    provider.open()
    provider.sync()
    provider.close(CLOSE_CODES.SERVICE_RESTART.code)
    const expectedDelay = RECONNECT_MIN_DELAY_MS + 0.5 * (RECONNECT_FIRST_WINDOW_MS - RECONNECT_MIN_DELAY_MS)
    const state = controller.state.get()
    expect(state.status).toBe('reconnecting')
    expect(state.status === 'reconnecting' && state.retryAtMs).toBe(clock.env.now() + expectedDelay)
    clock.advance(expectedDelay - 1)
    expect(provider.connectedWith).toHaveLength(1)
    clock.advance(1)
    expect(provider.connectedWith).toHaveLength(2)
  })

  it('backs off further while attempts keep failing and resets after a sync', () => {
    const { clock, provider, controller } = setup({ random: () => 1 })
    controller.start()
    clock.advance(0)
    const delays: number[] = []
    for (let attempt = 0; attempt < 3; attempt++) {
      provider.open()
      provider.close(CLOSE_CODES.STORAGE_UNAVAILABLE.code)
      const state = controller.state.get()
      if (state.status !== 'reconnecting') throw new Error(`unexpected ${state.status}`)
      delays.push(state.retryAtMs - clock.env.now())
      clock.advance(state.retryAtMs - clock.env.now())
    }
    expect(delays).toEqual([
      RECONNECT_FIRST_WINDOW_MS,
      RECONNECT_FIRST_WINDOW_MS * 2,
      RECONNECT_FIRST_WINDOW_MS * 4,
    ])
    provider.open()
    provider.sync()
    provider.close(CLOSE_CODES.SERVICE_RESTART.code)
    const state = controller.state.get()
    expect(state.status === 'reconnecting' && state.retryAtMs - clock.env.now()).toBe(
      RECONNECT_FIRST_WINDOW_MS,
    )
  })

  it('fetches a fresh token on 4401 and reconnects with it', async () => {
    const reasons: string[] = []
    const { clock, provider, controller } = setup({
      getToken: async (reason) => {
        reasons.push(reason)
        return 'token-2'
      },
    })
    controller.start()
    clock.advance(0)
    provider.open()
    provider.close(CLOSE_CODES.TOKEN_EXPIRED.code)
    clock.advance(RECONNECT_FIRST_WINDOW_MS)
    await flush()
    expect(reasons).toEqual(['expired'])
    expect(provider.connectedWith).toEqual(['token-1', 'token-2'])
  })

  it('stops on 4401 when it has no way to get a token', () => {
    const { clock, provider, controller } = setup()
    controller.start()
    clock.advance(0)
    provider.open()
    provider.close(CLOSE_CODES.TOKEN_EXPIRED.code)
    expect(controller.state.get()).toEqual({ status: 'stopped', reason: { kind: 'token-expired' } })
  })

  it('stops for good on a stop code and never reconnects', () => {
    const { clock, provider, controller } = setup()
    controller.start()
    clock.advance(0)
    provider.open()
    provider.close(CLOSE_CODES.FORBIDDEN.code)
    expect(controller.state.get()).toMatchObject({
      status: 'stopped',
      reason: { kind: 'closed', code: 4403 },
    })
    clock.advance(60_000)
    expect(provider.connectedWith).toHaveLength(1)
    expect(clock.pendingTimers()).toBe(0)
  })

  it('re-exchanges the token after a refused upgrade and stops when access is denied', async () => {
    const reasons: string[] = []
    const { clock, provider, controller } = setup({
      getToken: async (reason) => {
        reasons.push(reason)
        return null
      },
    })
    controller.start()
    clock.advance(0)
    provider.close(1006)
    clock.advance(RECONNECT_FIRST_WINDOW_MS)
    await flush()
    expect(reasons).toEqual(['connect-failed'])
    expect(controller.state.get()).toEqual({ status: 'stopped', reason: { kind: 'access-denied' } })
    expect(provider.connectedWith).toHaveLength(1)
  })

  it('keeps retrying while the token source is unreachable', async () => {
    let calls = 0
    const { clock, provider, controller } = setup({
      getToken: async () => {
        calls++
        if (calls < 3) throw new Error('offline')
        return 'token-3'
      },
    })
    controller.start()
    clock.advance(0)
    provider.close(1006)
    for (let step = 0; step < 3; step++) {
      clock.advance(10_000)
      await flush()
    }
    expect(calls).toBe(3)
    expect(provider.connectedWith).toEqual(['token-1', 'token-3'])
  })

  it('abandons a socket that never opens', () => {
    const { clock, provider, controller } = setup()
    controller.start()
    clock.advance(0)
    clock.advance(CONNECT_TIMEOUT_MS)
    expect(controller.state.get().status).toBe('reconnecting')
    clock.advance(RECONNECT_FIRST_WINDOW_MS)
    expect(provider.connectedWith).toHaveLength(2)
  })

  it('drops the socket when the browser goes offline and reconnects at once when it is back', () => {
    const { clock, provider, controller } = setup()
    controller.start()
    clock.advance(0)
    provider.open()
    provider.sync()
    clock.setOnline(false)
    expect(controller.state.get().status).toBe('offline')
    clock.setOnline(true)
    expect(provider.connectedWith).toHaveLength(2)
    expect(controller.state.get().status).toBe('connecting')
  })

  it('while the browser is offline, retries open no socket and the status stays offline', () => {
    const { clock, provider, controller } = setup()
    controller.start()
    clock.advance(0)
    provider.open()
    provider.sync()
    clock.setOnline(false)
    for (let i = 0; i < 5; i++) {
      clock.advance(60_000)
      expect(controller.state.get().status).toBe('offline')
    }
    expect(provider.connectedWith, 'no attempt while offline').toHaveLength(1)
    clock.setOnline(true)
    expect(provider.connectedWith).toHaveLength(2)
  })

  it('does nothing after stop', () => {
    const { clock, provider, controller } = setup()
    controller.start()
    clock.advance(0)
    provider.open()
    controller.stop()
    expect(controller.state.get()).toEqual({ status: 'idle' })
    clock.advance(60_000)
    expect(provider.connectedWith).toHaveLength(1)
  })

  describe('after a socket that never opened, the upgrade probe', () => {
    const refusedOnce = async (
      status: number | null,
      getToken?: (reason: string) => Promise<string | null>,
    ) => {
      const probed: string[] = []
      const { clock, provider, controller } = setup({
        probeUpgrade: async (token) => {
          probed.push(token)
          return status
        },
        ...(getToken ? { getToken } : {}),
      })
      controller.start()
      clock.advance(0)
      provider.close(1006)
      await flush()
      return { clock, provider, controller, probed }
    }

    it('stops at 401 when no fresh token can be had', async () => {
      const { controller, probed, clock } = await refusedOnce(401)
      expect(probed).toEqual(['token-1'])
      expect(controller.state.get()).toEqual({ status: 'stopped', reason: { kind: 'refused', status: 401 } })
      expect(clock.pendingTimers()).toBe(0)
    })

    it('stops at 403 as access denied and at 404 as refused', async () => {
      expect((await refusedOnce(403)).controller.state.get()).toEqual({
        status: 'stopped',
        reason: { kind: 'access-denied' },
      })
      expect((await refusedOnce(404)).controller.state.get()).toEqual({
        status: 'stopped',
        reason: { kind: 'refused', status: 404 },
      })
    })

    it('stops at 410 as a deleted document, like a 4410 close (local copy then dropped)', async () => {
      const { state } = (await refusedOnce(410)).controller
      expect(state.get()).toEqual({
        status: 'stopped',
        reason: { kind: 'closed', code: CLOSE_CODES.DOCUMENT_DELETED.code, reason: 'document deleted' },
      })
      const stopped = state.get()
      expect(stopped.status === 'stopped' && isAccessRevoked(stopped.reason)).toBe(true)
    })

    it('keeps retrying when the token is fine or the server unreachable', async () => {
      for (const status of [426, 429, 503, null]) {
        const { controller } = await refusedOnce(status)
        expect(controller.state.get().status).toBe('reconnecting')
      }
    })

    it('at 401 first asks the token source, and stops only when its token is refused too', async () => {
      const { controller, clock, provider } = await refusedOnce(401, async () => 'token-2')
      expect(controller.state.get().status).toBe('reconnecting')
      clock.advance(60_000)
      await flush()
      expect(provider.connectedWith).toEqual(['token-1', 'token-2'])
      provider.close(1006)
      await flush()
      expect(controller.state.get()).toEqual({ status: 'stopped', reason: { kind: 'refused', status: 401 } })
    })
  })
})
