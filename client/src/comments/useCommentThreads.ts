/** The threads and people of a comments doc, re-read after each change (at most once a frame). */
import { useEffect, useState } from 'react'
import type * as Y from 'yjs'
import { readPeopleNames, readThreads, type ThreadView } from './readThreads'

export function useCommentThreads(doc: Y.Doc): { threads: ThreadView[]; people: string[] } {
  const [state, setState] = useState(() => ({ threads: readThreads(doc), people: readPeopleNames(doc) }))
  useEffect(() => {
    let frame = 0
    const reread = () => {
      if (frame !== 0) return
      frame = requestAnimationFrame(() => {
        frame = 0
        setState({ threads: readThreads(doc), people: readPeopleNames(doc) })
      })
    }
    reread()
    doc.on('update', reread)
    return () => {
      doc.off('update', reread)
      cancelAnimationFrame(frame)
    }
  }, [doc])
  return state
}
