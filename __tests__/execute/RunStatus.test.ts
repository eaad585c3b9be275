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
      message: 'ok'
    })
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
