import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../src/persistence/memory/MemoryStore'
import { rawUpgrade } from './helpers/clients'
import { startServer } from './helpers/startServer'

describe('HTTP upgrade', () => {
  it('refuses other paths and invalid room names with 404 before any room exists', async () => {
    const { port, server } = await startServer()
    const paths = [
      '/',
      '/other/room',
      '/ws/',
      '/ws/a/b',
      '/ws/..',
      `/ws/${'x'.repeat(129)}`,
      '/ws/d%C3%ADa',
      "/ws/x';--",
    ]
    for (const path of paths) expect((await rawUpgrade(port, path)).status, path).toBe(404)
    expect(server.rooms.size).toBe(0)
    expect((await rawUpgrade(port, '/ws/fine-name_1.2~x')).status).toBe(101)
  })
})

describe('operational routes', () => {
  it('answers /healthz, /readyz and /metrics', async () => {
    const { httpUrl } = await startServer()
    expect(await (await fetch(`${httpUrl}/healthz`)).json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${httpUrl}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { storage: 'ok' } })
    const metrics = await (await fetch(`${httpUrl}/metrics`)).text()
    for (const name of [
      'tandem_connections',
      'tandem_rooms',
      'tandem_messages_total',
      'process_cpu_seconds_total',
    ]) {
      expect(metrics).toContain(name)
    }
  })

  it('reports not ready (503) while storage is failing', async () => {
    const store = new MemoryStore()
    store.isHealthy = () => false
    const { httpUrl } = await startServer({}, { store })
    const ready = await fetch(`${httpUrl}/readyz`)
    expect(ready.status).toBe(503)
    expect(await ready.json()).toMatchObject({ checks: { storage: 'storage failing' } })
  })

  it('answers unknown paths with the JSON error shape', async () => {
    const { httpUrl } = await startServer({ staticDir: undefined })
    const res = await fetch(`${httpUrl}/api/nothing`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } })
  })
})
