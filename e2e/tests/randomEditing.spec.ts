/**
 * Issue 23: seeded random concurrent editing in real Chromium. Three people (own contexts) type,
 * delete, select, format, make lists and quotes, undo, redo and paste at once, go offline and back,
 * and the server restarts under them. After every round everyone is online and saved, and their
 * pages, a freshly opened page and the server's document must agree: DOM, editor state and text.
 *
 * RANDOM_EDIT_SEED=<n> replays one seed; RANDOM_EDIT_SEEDS=<count> (default 2, seeds 1..count) and
 * RANDOM_EDIT_ROUNDS=<n> (default 3) make the run bigger. A failure prints its seed and action log.
 * RANDOM_EDIT_SKIP=<kind,...> leaves kinds of action out (support/editingActions.ts), for triage.
 */
import type { Page } from '@playwright/test'
import { expectConverged, type Replica } from '../support/convergence'
import { createDocument } from '../support/documents'
import {
  clickAt,
  describePoint,
  parseActionKinds,
  randomEditingAction,
  randomPoint,
} from '../support/editingActions'
import { expectAllSaved, expectSynced, openEditor } from '../support/editorPage'
import { test } from '../support/fixtures'
import { createRandom, type Random } from '../support/seededRandom'
import type { TandemServer } from '../support/tandemServer'

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${raw}`)
  return value
}

const ROUNDS = positiveInteger('RANDOM_EDIT_ROUNDS', 3)
const SEEDS = process.env.RANDOM_EDIT_SEED
  ? [positiveInteger('RANDOM_EDIT_SEED', 1)]
  : Array.from({ length: positiveInteger('RANDOM_EDIT_SEEDS', 2) }, (_, i) => i + 1)
const SKIPPED = new Set(parseActionKinds(process.env.RANDOM_EDIT_SKIP ?? ''))

/** Editing actions per round, spread over the three people at random. */
const ACTIONS_PER_ROUND = 24
/** Before each action, the chance that its person's network goes down (or comes back). */
const NETWORK_TOGGLE_CHANCE = 0.05
/** The chance that the server is stopped (and started again) somewhere in a round. */
const RESTART_CHANCE = 0.35
/** Reconnecting after a restart can wait out a backoff of up to 10 s (reconnectPolicy.ts). */
const SETTLE_TIMEOUT_MS = 30_000
/** Per round: the actions, a possible restart (two tsx start-ups on a busy machine) and the settling. */
const ROUND_BUDGET_MS = 60_000

/** What a run did, reported as an annotation so a large run's figures can be read off its JSON report. */
interface Tally {
  roundsConverged: number
  actions: number
  networkChanges: number
  restarts: number
}

interface Person {
  readonly name: string
  /** Starts every word this person types, so lost text can be traced to its author. */
  readonly tag: string
  readonly page: Page
  offline: boolean
}

/** A restart inside a round: stop before action `stopAt`, start again before action `startAt`. */
function drawRestart(random: Random): { stopAt: number; startAt: number } | null {
  if (!random.chance(RESTART_CHANCE)) return null
  const stopAt = random.int(0, ACTIONS_PER_ROUND - 1)
  return { stopAt, startAt: random.int(stopAt + 1, ACTIONS_PER_ROUND) }
}

async function playRound(
  random: Random,
  people: readonly Person[],
  server: TandemServer,
  log: string[],
  tally: Tally,
) {
  for (const person of people) {
    // Focus first: a previous round may have left it outside the editor.
    const point = randomPoint(random)
    log.push(`${person.name}: click at ${describePoint(point)}`)
    await clickAt(person.page, point)
  }
  const restart = drawRestart(random)
  for (let step = 0; step < ACTIONS_PER_ROUND; step++) {
    if (step === restart?.stopAt) {
      log.push('server: stop')
      tally.restarts++
      await server.stop()
    }
    if (step === restart?.startAt) {
      log.push('server: start')
      await server.start()
    }
    const person = random.pick(people)
    if (random.chance(NETWORK_TOGGLE_CHANCE)) {
      person.offline = !person.offline
      tally.networkChanges++
      log.push(`${person.name}: ${person.offline ? 'goes offline' : 'comes back online'}`)
      await person.page.context().setOffline(person.offline)
    }
    const action = randomEditingAction(random, person.tag, SKIPPED)
    log.push(`${person.name}: ${action.description}`)
    tally.actions++
    await action.run(person.page)
  }
  if (restart !== null && restart.startAt === ACTIONS_PER_ROUND) {
    log.push('server: start')
    await server.start()
  }
}

/** Everyone back online, connected, synced and with every change stored. */
async function settle(people: readonly Person[], log: string[], tally: Tally): Promise<void> {
  for (const person of people) {
    if (!person.offline) continue
    person.offline = false
    tally.networkChanges++
    log.push(`${person.name}: comes back online`)
    await person.page.context().setOffline(false)
  }
  for (const { page } of people) {
    // The person presses "Retry now" rather than wait out the backoff. Clicked inside the page, so a
    // button that vanishes because a scheduled attempt connected first is no error.
    await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="retry-now"]')?.click())
  }
  for (const { page } of people) {
    await expectSynced(page, SETTLE_TIMEOUT_MS)
    await expectAllSaved(page, SETTLE_TIMEOUT_MS)
  }
}

/** Uncaught errors and Lexical's console errors, which often explain a divergence. */
function recordErrors(person: Person, log: string[]): void {
  person.page.on('pageerror', (error) => log.push(`${person.name}: page error: ${error.message}`))
  person.page.on('console', (message) => {
    // Failed sockets and requests while offline or during a restart are expected noise.
    const text = message.text()
    if (message.type() === 'error' && !/WebSocket connection|net::ERR_/.test(text)) {
      log.push(`${person.name}: console error: ${text}`)
    }
  })
}

for (const seed of SEEDS) {
  test(`three people edit at random, seed ${seed}`, async ({ startServer, newUser }, testInfo) => {
    test.setTimeout(60_000 + ROUNDS * ROUND_BUDGET_MS)
    const random = createRandom(seed)
    const skipped = SKIPPED.size > 0 ? `, without ${[...SKIPPED].join(', ')}` : ''
    const log: string[] = [`seed ${seed}, ${ROUNDS} rounds of ${ACTIONS_PER_ROUND} actions${skipped}`]
    const server = await startServer()
    const doc = await createDocument(server.baseUrl, `Random ${seed}`)
    const people: Person[] = await Promise.all(
      [
        ['Ann', 'a'],
        ['Ben', 'b'],
        ['Cy', 'c'],
      ].map(async ([name, tag]) => ({ name: name!, tag: tag!, page: await newUser(name!), offline: false })),
    )
    for (const person of people) recordErrors(person, log)
    await Promise.all(people.map(({ page }) => openEditor(page, doc.editUrl)))
    const observer = (await newUser('Observer')).context()
    const tally: Tally = { roundsConverged: 0, actions: 0, networkChanges: 0, restarts: 0 }

    try {
      for (let round = 1; round <= ROUNDS; round++) {
        log.push(`--- round ${round}`)
        await playRound(random, people, server, log, tally)
        await settle(people, log, tally)
        const fresh = await observer.newPage()
        await openEditor(fresh, doc.editUrl)
        const replicas: Replica[] = [
          ...people.map(({ name, page }) => ({ name, page })),
          { name: 'a fresh page', page: fresh },
        ]
        const agreed = await expectConverged(replicas, server.wsUrl, doc.id)
        log.push(`round ${round} converged on ${JSON.stringify(agreed.text)}`)
        tally.roundsConverged++
        await fresh.close()
      }
    } catch (error) {
      console.error(
        `Random editing diverged: seed ${seed}. Replay: RANDOM_EDIT_SEED=${seed} RANDOM_EDIT_ROUNDS=${ROUNDS}` +
          `${SKIPPED.size > 0 ? ` RANDOM_EDIT_SKIP=${[...SKIPPED].join(',')}` : ''} ` +
          `npx playwright test tests/randomEditing.spec.ts\n${log.join('\n')}`,
      )
      throw error
    } finally {
      testInfo.annotations.push({
        type: 'random-editing',
        description:
          `seed ${seed}: ${tally.roundsConverged} of ${ROUNDS} rounds converged, ${tally.actions} editing actions ` +
          `(plus a focusing click per person per round), ${tally.networkChanges} network changes, ` +
          `${tally.restarts} server restarts`,
      })
      await testInfo.attach('actions.log', { body: log.join('\n'), contentType: 'text/plain' })
    }
  })
}
