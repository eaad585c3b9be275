import { EventEmitter } from 'node:events'
import { describe, expect, it, jest } from '@jest/globals'
import type { ExecutionResult } from '../../src/execute/ExecutionResult.js'
import { runStatus } from '../../src/execute/RunStatus.js'
import { installSignalHandlers } from '../../src/execute/signals.js'

function result(name: string, extra: Partial<ExecutionResult> = {}): ExecutionResult {
  return {
    packageName: name,
    dryRun: false,
    deleted: [],
    gone: [],
    refused: [],
    failed: [],
    remaining: [],
    untagged: [],
    restRequests: 0,
    registryRequests: 0,
    ...extra
  }
}

describe('runStatus', () => {
  it('names the packages that failed; refusals and budget stops are not failures', () => {
    const status = runStatus([
      result('app', { failed: [{ versionId: 1, digest: 'sha256:1', error: 'HTTP 502' }] }),
      result('tools', {
        refused: [{ versionId: 2, digest: 'sha256:2', status: 400, message: 'last tagged' }]
      }),
      result('web', {
        remaining: [3, 4],
        stoppedReason: 'request-budget of 10 REST requests used up (10 sent)'
      }),
      result('db', { stoppedReason: 'unexpected error: boom' })
    ])
    expect(status.ok).toBe(false)
    expect(status.failedPackages).toEqual(['app', 'db'])
    expect(status.message).toBe(
      'failed: app (1 failed delete), db (unexpected error: boom); 2 planned deletes left for the next run'
    )
  })

  it('all fine', () => {
    expect(runStatus([result('app'), result('b', { stoppedReason: 'cancelled' })])).toEqual({
      ok: true,
      failedPackages: [],
      backlog: 0,
      failures: [],
      warnings: [],
      message: 'ok'
    })
  })

  // docs/safety.md, exit status, one row per cause: fails when the user must act, succeeds when a later run catches up.
  const blocked =
    'blocked by the safety cap: The plan for app deletes 8 of 10 versions (80%), more than max-deletions 5 allows'
  it.each<[string, Partial<ExecutionResult>, boolean]>([
    ['a real run max-deletions blocks', { stoppedReason: blocked }, false],
    ['a dry run max-deletions blocks', { dryRun: true, stoppedReason: blocked }, true],
    ['a failed delete', { failed: [{ versionId: 1, digest: 'sha256:1', error: 'HTTP 502' }] }, false],
    ['a failed untag', { untagged: [{ versionId: 1, tag: 'pr-1', ok: false, error: 'HTTP 500' }] }, false],
    ['a rejected token', { stoppedReason: 'HTTP 401: Bad credentials' }, false],
    ['the request budget used up', { remaining: [1], stoppedReason: 'request-budget of 10 used up' }, true],
    ['the budget used up (fallback)', { remaining: [1], stoppedReason: 'request budget used up' }, true],
    ['the primary rate limit', { remaining: [1], stoppedReason: 'primary rate limit used up: reset' }, true],
    ['a cancellation', { remaining: [1], stoppedReason: 'cancelled' }, true],
    ['kept tags that moved', { remaining: [1], stoppedReason: 're-plan limit: kept tags moved' }, true],
    [
      'a delete held back for safety',
      { remaining: [1], heldBack: [{ versionId: 1, digest: 'sha256:1', reason: 'kept index lists it' }] },
      true
    ],
    ['a refused delete', { refused: [{ versionId: 1, digest: 'sha256:1', status: 400, message: 'x' }] }, true]
  ])('%s: ok=%s', (_what, extra, ok) => {
    const status = runStatus([result('app', extra)])
    expect(status.ok).toBe(ok)
    expect(status.failures.length > 0).toBe(!ok)
  })

  it('a real run max-deletions blocks fails and says what to change; a dry run warns and succeeds', () => {
    const real = runStatus([result('app', { stoppedReason: blocked })])
    expect(real.message).toBe(`failed: app (${blocked})`)
    const dry = runStatus([result('app', { dryRun: true, stoppedReason: blocked })])
    expect(dry.warnings).toEqual([`app: a real run would fail: ${blocked}`])
    expect(dry.message).toBe(`ok; app: a real run would fail: ${blocked}`)
  })

  it('a journal that could not be written fails the run, whatever the packages did', () => {
    const status = runStatus([result('app', { deleted: [1, 2] })], {
      journalError: "EACCES: permission denied, open '/ro/journal.json'"
    })
    expect(status.ok).toBe(false)
    // The journal's message leads: it names the file and what to fix.
    expect(status.message).toBe("EACCES: permission denied, open '/ro/journal.json'")
  })
})

describe('installSignalHandlers', () => {
  it('the first SIGTERM aborts the run; a second one exits at once', () => {
    const proc = Object.assign(new EventEmitter(), { exit: jest.fn() })
    const seen: string[] = []
    const c = installSignalHandlers(name => seen.push(name), proc as unknown as NodeJS.Process)
    expect(c.signal.aborted).toBe(false)
    proc.emit('SIGTERM', 'SIGTERM')
    expect(c.signal.aborted).toBe(true)
    expect(seen).toEqual(['SIGTERM'])
    expect(proc.exit).not.toHaveBeenCalled()
    proc.emit('SIGINT', 'SIGINT')
    expect(proc.exit).toHaveBeenCalledWith(130)
    c.dispose()
    expect(proc.listenerCount('SIGINT')).toBe(0)
  })
})
