// @vitest-environment node
import { CLEAR_DIFF_VERSIONS_COMMAND__EXPERIMENTAL } from '@lexical/yjs'
import { COMMAND_PRIORITY_EDITOR, createEditor } from 'lexical'
import { describe, expect, it } from 'vitest'
import { createEditorErrorHandler, REBUILD_INTERVAL_MS } from './createEditorErrorHandler'

const flushMicrotasks = () => new Promise<void>((resolve) => queueMicrotask(resolve))

describe('createEditorErrorHandler', () => {
  it('reports an update that threw and has the view rebuilt from its document, once per interval', async () => {
    let now = 0
    const reported: Error[] = []
    const errors = createEditorErrorHandler({ report: (error) => reported.push(error), now: () => now })
    const editor = createEditor({ namespace: 'test', onError: errors.onError })
    errors.attach(editor)
    // The V2 collaboration plugin answers this command by re-rendering the tree from the Y.Doc.
    let rebuilds = 0
    editor.registerCommand(
      CLEAR_DIFF_VERSIONS_COMMAND__EXPERIMENTAL,
      () => {
        rebuilds++
        return true
      },
      COMMAND_PRIORITY_EDITOR,
    )
    const fail = () =>
      editor.update(
        () => {
          throw new Error('a remote change that does not fit the view')
        },
        { discrete: true },
      )

    fail()
    await flushMicrotasks()
    expect(reported).toHaveLength(1)
    expect(rebuilds).toBe(1)

    now += REBUILD_INTERVAL_MS / 2
    fail()
    await flushMicrotasks()
    expect(reported).toHaveLength(2)
    expect(rebuilds).toBe(1)

    now += REBUILD_INTERVAL_MS
    fail()
    await flushMicrotasks()
    expect(rebuilds).toBe(2)
  })
})
