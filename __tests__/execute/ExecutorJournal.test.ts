import { describe, expect, it } from '@jest/globals'
import type { DeleteJournal } from '../../src/execute/ExecutionResult.js'
import { execute, type ExecuteDeps } from '../../src/execute/Executor.js'
import { FakePackages, FakeStore, planOf, executeDeps } from './fakes.js'

/** Five loose untagged images, all planned for deletion, and a log shared by the journal and the API. */
function world(journal: (log: string[]) => DeleteJournal) {
  const store = new FakeStore()
  const versions = [1, 2, 3, 4, 5].map(() => store.image())
  store.image(['latest'])
  const packages = new FakePackages(store)
  const log: string[] = []
  packages.onDelete = id => {
    log.push(`DELETE ${id}`)
  }
  const deps: ExecuteDeps = executeDeps(store, packages, { concurrency: 1, journal: journal(log) })
  return { plan: planOf(store, versions), deps, log, versions }
}

describe('execute with a journal', () => {
  it('records each delete before it is sent and its answer after', async () => {
    const w = world(log => ({
      intent: async e => void log.push(`intent ${e.versionId}`),
      result: async a => void log.push(`result ${a.versionId} ${a.outcome}`)
    }))
    const result = await execute(w.plan, w.deps)
    expect(result.deleted).toHaveLength(5)
    const id = w.versions[0].id
    expect(w.log.slice(0, 3)).toEqual([`intent ${id}`, `DELETE ${id}`, `result ${id} deleted`])
    expect(w.log).toHaveLength(15)
  })

  it('an intent that cannot be written: that delete is not sent, nor any after it (journal-failed)', async () => {
    let intents = 0
    const w = world(log => ({
      intent: async e => {
        if (++intents === 3) throw new Error('journal-failed: cannot write journal-file "/j" (ENOSPC)')
        log.push(`intent ${e.versionId}`)
      },
      result: async () => undefined
    }))
    const result = await execute(w.plan, w.deps)
    expect(w.log.filter(l => l.startsWith('DELETE'))).toHaveLength(2)
    expect(result.deleted).toHaveLength(2)
    expect(result.remaining).toHaveLength(3)
    expect(result.stoppedReason).toBe('journal-failed: cannot write journal-file "/j" (ENOSPC)')
  })

  it('an answer that cannot be written: the delete counts, no further delete is sent', async () => {
    const w = world(() => ({
      intent: async () => undefined,
      result: async () => {
        throw new Error('journal-failed: cannot write journal-file "/j" (EIO)')
      }
    }))
    const result = await execute(w.plan, w.deps)
    expect(w.log).toEqual([`DELETE ${w.versions[0].id}`])
    expect(result.deleted).toEqual([w.versions[0].id])
    expect(result.stoppedReason).toMatch(/^journal-failed: /)
  })
})
