/** `@tandem/server-sdk`: what a host's server needs of Tandem. Node 20 or later; no dependencies. */
export { ANY_ROOM, type MintTokenOptions, mintAdminToken, mintToken, type Role } from './mintToken.js'
export {
  type ContentFormat,
  type CreatedDocument,
  type Credential,
  type DocumentPage,
  type DocumentSummary,
  type InputFormat,
  type ShareLink,
  TandemApiError,
  TandemClient,
  type TandemClientOptions,
} from './TandemClient.js'
export {
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  type VerifyOptions,
  verifyWebhookSignature,
} from './verifyWebhookSignature.js'
export { parseWebhookEvent, type WebhookEvent } from './webhookEvent.js'
