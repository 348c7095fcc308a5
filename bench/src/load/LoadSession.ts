/** Makes the simulated clients of one contender run: unique Yjs client ids, the right URL and codec. */
import type { Contender } from '../contenders/contenders'
import { BenchClient, type ClientMode, type PresenceHandling } from './BenchClient'
import { DeliveryLog } from './DeliveryLog'
import { wireCodec } from './wireCodec'

export interface LoadSessionOptions {
  /** Where this session's receivers record deliveries (default: a log of its own). */
  readonly log?: DeliveryLog
  /** First Yjs client id; sessions whose clients share rooms need disjoint ranges. */
  readonly firstClientId?: number
  /** Where receivers record presence latencies (default: `log`). */
  readonly presenceLog?: DeliveryLog
}

export class LoadSession {
  readonly log: DeliveryLog
  readonly presenceLog: DeliveryLog
  private nextClientId: number

  constructor(
    readonly contender: Contender,
    readonly port: number,
    private readonly token: string,
    options: LoadSessionOptions = {},
  ) {
    this.log = options.log ?? new DeliveryLog()
    this.presenceLog = options.presenceLog ?? this.log
    this.nextClientId = options.firstClientId ?? 1
  }

  client(room: string, mode: ClientMode, presence: PresenceHandling = 'ignore'): BenchClient {
    return new BenchClient({
      url: this.contender.url(this.port, room, this.token),
      room,
      codec: wireCodec(this.contender.wire),
      mode,
      log: this.log,
      clientId: this.nextClientId++,
      presence,
      presenceLog: this.presenceLog,
    })
  }
}
