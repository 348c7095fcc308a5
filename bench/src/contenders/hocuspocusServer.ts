/** Hocuspocus with its defaults and no extensions (no persistence), on PORT/HOST; run as a child process. */
import { Server } from '@hocuspocus/server'

const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: process.env.HOST ?? '127.0.0.1',
  quiet: true,
})
await server.listen()
console.log(JSON.stringify({ port: server.address.port, msg: 'listening' }))
