/** `tandem-server`: reads the configuration, starts one node, and shuts it down gracefully on a signal. */
import { ConfigError, helpText, loadConfig } from './config'
import { createNode } from './createNode'
import { createLogger } from './logger'

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${helpText()}\n`)
    return
  }
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig(process.env, argv)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`tandem-server: ${error.message}\n`)
    process.exit(2)
  }
  const logger = createLogger(config.logLevel)
  const server = await createNode(config, logger)
  const port = await server.listen()
  logger.info(
    { port, host: config.host, node: config.nodeId, dataDir: config.dataDir },
    `listening on http://localhost:${port}`,
  )

  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now')
      process.exit(1)
    }
    stopping = true
    logger.info({ signal }, 'shutting down')
    server.close().then(
      () => {
        logger.info('stopped')
        logger.flush()
        process.exit(0)
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((error: unknown) => {
  console.error('tandem-server failed to start:', error)
  process.exit(1)
})
