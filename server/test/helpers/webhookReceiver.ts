/** A webhook endpoint for tests: checks every delivery's signature, and can fail the first attempts. */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import { listenForTest } from './listenHttp'

/** One request the receiver got, with what it answered. */
export interface ReceivedDelivery {
  readonly event: {
    id: string
    type: string
    documentId: string
    occurredAt: string
    [field: string]: unknown
  }
  readonly signatureValid: boolean
  readonly status: number
  readonly receivedAtMs: number
}

export interface WebhookReceiver {
  readonly url: string
  readonly received: ReceivedDelivery[]
  /** Deliveries answered 2xx. */
  accepted(): ReceivedDelivery[]
  /** Answer this status to the next `count` requests (then 204 again). */
  failNext(count: number, status?: number): void
}

/** Checks `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` independently of the server's code. */
function verify(secret: string, header: string | undefined, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '')
  if (!match) return false
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest()
  const age = Math.abs(Date.now() / 1000 - Number(match[1]))
  return age < 300 && timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'))
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = []
  let failures = 0
  let failStatus = 500
  const server = createServer(async (req, res) => {
    const body = await readBody(req)
    const signatureValid = verify(secret, req.headers['tandem-signature'] as string | undefined, body)
    let status = 204
    if (failures > 0) {
      failures--
      status = failStatus
    } else if (!signatureValid) status = 400
    received.push({ event: JSON.parse(body), signatureValid, status, receivedAtMs: Date.now() })
    res.writeHead(status).end()
  })
  const baseUrl = await listenForTest(server)
  return {
    url: `${baseUrl}/hooks`,
    received,
    accepted: () => received.filter((delivery) => delivery.status >= 200 && delivery.status < 300),
    failNext(count, status = 500) {
      failures = count
      failStatus = status
    },
  }
}
