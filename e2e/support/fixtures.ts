/**
 * Playwright fixtures: a real Tandem server per worker (fresh data directory, free port), servers of
 * a test's own (`startServer`, for restarts and crashes), and `newUser`, which gives each person
 * their own browser context. Everything is torn down when the test ends; server logs are attached
 * to failed tests.
 */
import { type BrowserContext, test as base, type Page, type TestInfo } from '@playwright/test'
import { startTandem, type TandemServer, type TandemServerOptions } from './tandemServer'

/** localStorage key the app reads the display name from (client/src/identity/identity.ts). */
const NAME_STORAGE_KEY = 'tandem.name'

/** Viewport of every user's page, unless a test asks for another. */
export const USER_VIEWPORT = { width: 1100, height: 760 } as const

export interface NewUserOptions {
  viewport?: { width: number; height: number }
}

/** Opens a new, isolated browser (context) for a person called `name`, and returns its page. */
export type NewUser = (name: string, options?: NewUserOptions) => Promise<Page>

/** Starts a server owned by the current test; it is disposed of when the test ends. */
export type StartServer = (options?: TandemServerOptions) => Promise<TandemServer>

const failed = (testInfo: TestInfo) => testInfo.status !== testInfo.expectedStatus

export const test = base.extend<
  { newUser: NewUser; startServer: StartServer; tandemLog: undefined },
  { tandem: TandemServer }
>({
  tandem: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies this way.
    async ({}, use) => {
      const server = await startTandem()
      await use(server)
      await server.dispose()
    },
    { scope: 'worker' },
  ],

  /** Attaches what the worker's server logged during a failed test. */
  tandemLog: [
    async ({ tandem }, use, testInfo) => {
      const from = tandem.output().length
      await use(undefined)
      if (failed(testInfo)) {
        await testInfo.attach('tandem-server.log', {
          body: tandem.output().slice(from),
          contentType: 'text/plain',
        })
      }
    },
    { auto: true },
  ],

  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies this way.
  startServer: async ({}, use, testInfo) => {
    const servers: TandemServer[] = []
    await use(async (options) => {
      const server = await startTandem(options)
      servers.push(server)
      return server
    })
    for (const [index, server] of servers.entries()) {
      if (failed(testInfo)) {
        await testInfo.attach(`server-${index + 1}.log`, { body: server.output(), contentType: 'text/plain' })
      }
      await server.dispose()
    }
  },

  newUser: async ({ browser }, use) => {
    const contexts: BrowserContext[] = []
    await use(async (name, options = {}) => {
      // A separate context per person: no shared storage, cookies or BroadcastChannel.
      const context = await browser.newContext({ viewport: options.viewport ?? USER_VIEWPORT })
      contexts.push(context)
      await context.addInitScript(
        ({ key, userName }) => {
          // Answers the first-visit name prompt in advance; about:blank has no storage.
          try {
            if (!localStorage.getItem(key)) localStorage.setItem(key, userName)
          } catch {}
        },
        { key: NAME_STORAGE_KEY, userName: name },
      )
      return context.newPage()
    })
    // Closing the contexts here is what saves their traces and failure screenshots.
    await Promise.all(contexts.map((context) => context.close()))
  },
})

export { expect } from '@playwright/test'
