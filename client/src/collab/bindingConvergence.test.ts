// @vitest-environment node
/**
 * Seeded random co-editing through the editor binding: three headless people type, delete, format,
 * make lists and quotes, undo, paste and go offline, with messages delivered in a random order. After
 * each round everyone catches up; every editor must then show exactly what a freshly opened page built
 * from the server's document shows. A failure prints the seed: CONVERGENCE_SEED=<seed> replays it.
 * CONVERGENCE_SEEDS and CONVERGENCE_ROUNDS make the run larger (docs/reliability.md). Each person's
 * Yjs client id comes from the seed, and each editor has a window of its own, so a seed replays
 * alone exactly as it ran among others.
 */
import { afterAll, expect, it } from 'vitest'
import { installJsdom } from '../testing/installJsdom'

const removeJsdom = await installJsdom()
const { HeadlessNetwork, flushEditorUpdates, freshContent } = await import('../testing/headlessCollab')
const { createActions, createRandom, pickAction } = await import('../testing/randomEdits')
afterAll(() => removeJsdom())

/**
 * By default a short run (about 1 s of CPU a seed): seed 1, and the seeds that found the defects fixed so far
 * (12: the server's formatting cleanup kept to itself; 17 and 62: the caret restored from removed
 * nodes), and with list actions 21, 51 and 84 (a page built while the harness's plugin-registration
 * update was still pending merged adjacent lists that the document and every browser page keep apart;
 * 56: a page building a list item afresh unwrapped the paragraph the document holds in it; 4: a
 * reconnect delivered before a Markdown shortcut's follow-up update committed, which a browser never
 * does; 37: a remote change that moved the caret ran the list transform, merging lists in one view;
 * 74: a page removed a list that concurrent deletions emptied from its view, not from the document;
 * 57: a block replaced by an equal one stayed mapped to the removed node, so a remote change was lost),
 * and without lists 61 (Yjs's UndoManager re-created text with a right origin left of its left origin,
 * so the undoing page and everyone else ordered it differently: patches/yjs+13.6.33.patch).
 * CONVERGENCE_SEED=s replays one seed; CONVERGENCE_SEEDS=n runs seeds from 1 (or from s);
 * CONVERGENCE_LISTS=1 adds list actions to them.
 */
const REGRESSION_RUNS = [
  { seed: 1, lists: false },
  { seed: 12, lists: false },
  { seed: 17, lists: false },
  { seed: 62, lists: false },
  { seed: 61, lists: false },
  { seed: 21, lists: true },
  { seed: 51, lists: true },
  { seed: 84, lists: true },
  { seed: 56, lists: true },
  { seed: 4, lists: true },
  { seed: 37, lists: true },
  { seed: 74, lists: true },
  { seed: 57, lists: true },
]
const chosen = process.env.CONVERGENCE_SEED !== undefined || process.env.CONVERGENCE_SEEDS !== undefined
const firstSeed = Number(process.env.CONVERGENCE_SEED ?? 1)
const seedCount = Number(process.env.CONVERGENCE_SEEDS ?? 1)
const runs = chosen
  ? Array.from({ length: seedCount }, (_, i) => ({
      seed: firstSeed + i,
      lists: process.env.CONVERGENCE_LISTS === '1',
    }))
  : REGRESSION_RUNS
const rounds = Number(process.env.CONVERGENCE_ROUNDS ?? 8)
const ACTIONS_PER_ROUND = 12
// Lists are left out unless asked for: see docs/reliability.md (open list divergences).
const actionsWithLists = createActions({ lists: true })
const actionsWithoutLists = createActions({ lists: false })

for (const { seed, lists } of runs) {
  const actions = lists ? actionsWithLists : actionsWithoutLists
  it(`three people editing at random converge (seed ${seed}${lists ? ', with lists' : ''})`, {
    timeout: 120_000,
  }, async () => {
    const random = createRandom(seed)
    const net = new HeadlessNetwork({ seed })
    const log: string[] = []
    try {
      const people = [net.join('A'), net.join('B'), net.join('C')]
      for (let round = 0; round < rounds; round++) {
        for (let step = 0; step < ACTIONS_PER_ROUND; step++) {
          const peer = people[Math.floor(random() * people.length)]!
          const roll = random()
          // A browser runs the editor's pending updates (microtasks) before the next keystroke's event
          // and before the next network message: a message must not land inside an edit's follow-up.
          await flushEditorUpdates()
          if (roll < 0.08) {
            net.setOnline(peer, !peer.online)
            log.push(`${peer.name} ${peer.online ? 'online' : 'offline'}`)
          } else if (roll < 0.3) {
            if (random() < 0.5) net.flushOutbox(peer)
            else net.flushInbox(peer)
          } else {
            log.push(`${peer.name} ${pickAction(actions, random)(peer, random)}`)
          }
        }
        await net.settle()
        const expected = await freshContent(net.server)
        for (const peer of people) {
          expect(
            peer.content(),
            `seed ${seed}, round ${round}, ${peer.name}; actions:\n${log.join('\n')}`,
          ).toEqual(expected)
        }
      }
    } finally {
      net.destroy()
    }
  })
}
