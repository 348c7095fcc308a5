/** Adapts a y-websocket provider, driven by a ConnectionController, to the Lexical collaboration plugin. */
import type { Provider, ProviderAwareness } from '@lexical/yjs'
import type { WebsocketProvider } from 'y-websocket'
import type { ConnectionController } from './ConnectionController'

/**
 * The plugin calls `connect`/`disconnect` on mount/unmount (twice under StrictMode); they go to the
 * controller, which owns the socket. Events come straight from the y-websocket provider; awareness
 * through `awareness` (pluginAwareness.ts shapes it for large rooms).
 */
export function createPluginProvider(
  provider: WebsocketProvider,
  controller: ConnectionController,
  awareness: ProviderAwareness,
): Provider {
  const adapter = {
    awareness,
    connect: () => controller.start(),
    disconnect: () => controller.stop(),
    on: provider.on.bind(provider),
    off: provider.off.bind(provider),
  }
  // The one cast between the two libraries: y-websocket's typed events do not declare the plugin's
  // 'update'/'reload' (never emitted), and its Awareness types states as plain records where the
  // plugin expects its own UserState shape, which it writes itself. The runtime shapes match.
  return adapter as unknown as Provider
}
