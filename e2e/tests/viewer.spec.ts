/**
 * Scenario 6: a view link follows edits live, cannot type, and the server refuses a forged update
 * sent from the viewer's own page with the viewer's own token.
 */
import type { Page } from '@playwright/test'
import {
  createToken,
  encodeSyncStep1,
  encodeSyncUpdate,
  LEXICAL_ROOT_NAME,
  MESSAGE_TYPE,
  readMessage,
  SYNC_TYPE,
  type TokenResponse,
} from '@tandem/shared'
import * as Y from 'yjs'
import { createDocument } from '../support/documents'
import { editorContent, expectAllSaved, expectSameDocument, openEditor } from '../support/editorPage'
import { expect, test } from '../support/fixtures'
import { lexicalText } from '../support/roomState'
import { E2E_SECRET } from '../support/tandemServer'

const FORGED = 'FORGED '

/** Helpers that run in a page: a raw y-websocket socket kept on `window`, driven step by step. */
interface RawSocketWindow {
  e2eSocket?: WebSocket
  e2eFrames?: Uint8Array[]
}

async function openRawSocket(page: Page, url: string): Promise<void> {
  await page.evaluate(async (socketUrl) => {
    const target = window as RawSocketWindow
    const ws = new WebSocket(socketUrl)
    ws.binaryType = 'arraybuffer'
    target.e2eSocket = ws
    target.e2eFrames = []
    ws.addEventListener('message', (event) =>
      target.e2eFrames!.push(new Uint8Array(event.data as ArrayBuffer)),
    )
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve)
      ws.addEventListener('close', (event) => reject(new Error(`closed with ${event.code}`)))
    })
  }, url)
}

/** Sends frames in order, then a sync step 1, and returns the server's step 2 answering it. */
async function sendThenSync(page: Page, frames: Uint8Array[], stateVector: Uint8Array): Promise<Uint8Array> {
  const step1 = encodeSyncStep1(stateVector)
  const answer = await page.evaluate(
    async ({ frames: toSend, step1: request, header }) => {
      const target = window as RawSocketWindow
      const ws = target.e2eSocket!
      const received = target.e2eFrames!
      const seen = received.length
      for (const frame of toSend) ws.send(new Uint8Array(frame))
      ws.send(new Uint8Array(request))
      // Frames on one socket are handled in order: this step 2 comes after the server took the rest.
      const isStep2 = (frame: Uint8Array) => frame[0] === header[0] && frame[1] === header[1]
      for (;;) {
        const step2 = received.slice(seen).find(isStep2)
        if (step2) return [...step2]
        if (ws.readyState !== WebSocket.OPEN) throw new Error('the socket closed before answering')
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
    {
      frames: frames.map((frame) => [...frame]),
      step1: [...step1],
      header: [MESSAGE_TYPE.SYNC, SYNC_TYPE.STEP2],
    },
  )
  const message = readMessage(new Uint8Array(answer))
  if (message.type !== 'sync-step2') throw new Error(`expected sync step 2, got ${message.type}`)
  return message.update
}

/** An update that, applied, puts FORGED at the start of the first paragraph (as Lexical would). */
function forgeUpdate(serverState: Uint8Array): Uint8Array {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, serverState)
  const before = Y.encodeStateVector(doc)
  // The V2 layout: root element > paragraph element > text.
  const paragraph = doc.get(LEXICAL_ROOT_NAME, Y.XmlElement).get(0)
  const text = paragraph instanceof Y.XmlElement ? paragraph.get(0) : null
  if (!(text instanceof Y.XmlText)) throw new Error('expected a paragraph to forge into')
  text.insert(0, FORGED)
  doc.getText('title').insert(0, FORGED)
  return Y.encodeStateAsUpdate(doc, before)
}

const textOf = (state: Uint8Array) => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return { body: lexicalText(doc), title: doc.getText('title').toString() }
}

test('B on the view link sees A live, cannot type, and a forged update does not change A', async ({
  tandem,
  newUser,
}) => {
  const doc = await createDocument(tandem.baseUrl)
  const ann = await newUser('Ann')
  const ben = await newUser('Ben')
  await openEditor(ann, doc.editUrl)
  const exchanged = ben.waitForResponse((response) => response.url().endsWith('/api/token'))
  await openEditor(ben, doc.viewUrl)
  const viewerToken = ((await (await exchanged).json()) as TokenResponse).token

  await expect(ben.getByTestId('view-only-badge')).toBeVisible()
  await expect(ben.getByTestId('toolbar')).toHaveCount(0)
  await expect(editorContent(ben)).toHaveAttribute('contenteditable', 'false')
  await expect(ben.getByTestId('document-title')).toHaveAttribute('readonly', '')
  await expect(ann.locator('[data-testid=presence-entry][data-self=false]')).toHaveAttribute(
    'data-name',
    'Ben',
  )

  // Live: Ann's keystrokes appear while she types.
  await ann.getByTestId('document-title').fill('Read along')
  await expect(ben.getByTestId('document-title')).toHaveValue('Read along')
  await editorContent(ann).click()
  await ann.keyboard.type('Only Ann writes here')
  await expect(editorContent(ben)).toHaveText('Only Ann writes here')
  await expectAllSaved(ann)

  // Ben cannot type: the content is not editable, and keys change nothing anywhere.
  await editorContent(ben).click()
  await ben.keyboard.type('Ben was here')
  await ben.getByTestId('document-title').click()
  await ben.keyboard.type('Ben title')
  await expect(editorContent(ben)).toHaveText('Only Ann writes here')
  await expect(ben.getByTestId('document-title')).toHaveValue('Read along')

  // Ben's page opens its own socket with its own (viewer) token and sends a well-formed update.
  await openRawSocket(ben, `${tandem.wsUrl}/${doc.id}?token=${encodeURIComponent(viewerToken)}`)
  const serverState = await sendThenSync(ben, [], Y.encodeStateVector(new Y.Doc()))
  expect(textOf(serverState).body).toBe('Only Ann writes here')
  const forged = forgeUpdate(serverState)
  const afterForgery = await sendThenSync(ben, [encodeSyncUpdate(forged)], Y.encodeStateVector(new Y.Doc()))
  expect(textOf(afterForgery)).toEqual({ body: 'Only Ann writes here', title: 'Read along' })

  // Anything the server had broadcast to Ann would arrive before the acknowledgement of her next edit.
  await ann.keyboard.type('!')
  await expectAllSaved(ann)
  await expect(editorContent(ann)).toHaveText('Only Ann writes here!')
  await expect(ann.getByTestId('document-title')).toHaveValue('Read along')
  await expect(editorContent(ben)).toHaveText('Only Ann writes here!')
  await expectSameDocument(ann, ben)
  const metrics = await (await fetch(`${tandem.baseUrl}/metrics`)).text()
  expect(metrics).toMatch(/^tandem_viewer_writes_dropped_total [1-9]/m)

  // The same bytes from an editor would have shown up in Ann's document: the check above can fail.
  const editorToken = await createToken({
    secret: E2E_SECRET,
    sub: 'e2e-editor',
    room: doc.id,
    role: 'editor',
  })
  await openRawSocket(ben, `${tandem.wsUrl}/${doc.id}?token=${encodeURIComponent(editorToken)}`)
  await sendThenSync(ben, [encodeSyncUpdate(forged)], Y.encodeStateVector(new Y.Doc()))
  await expect(editorContent(ann)).toHaveText(`${FORGED}Only Ann writes here!`)
  await expect(ann.getByTestId('document-title')).toHaveValue(`${FORGED}Read along`)
})
