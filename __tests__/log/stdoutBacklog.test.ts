import { describe, expect, it } from '@jest/globals'
import { Writable } from 'node:stream'
import { stdoutCaughtUp } from '../../src/log/stdoutBacklog.js'
import { emitLog, type ReportSink } from '../../src/report/publish.js'
import { decision, dg, report } from '../report/fixtures.js'

/** A pipe whose reader takes one chunk per turn of the event loop: slower than a loop can write. */
function slowPipe(): { stream: Writable; lines: string[]; mostWaiting: () => number } {
  const lines: string[] = []
  let most = 0
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'))
      setImmediate(callback)
    }
  })
  const write = stream.write.bind(stream)
  stream.write = ((chunk: string) => {
    const ok = write(chunk)
    most = Math.max(most, stream.writableLength)
    return ok
  }) as typeof stream.write
  return { stream, lines, mostWaiting: () => most }
}

function sinkOn(stream: Writable, caughtUp?: () => Promise<void> | undefined): ReportSink {
  const line = (text: string) => void stream.write(text + '\n')
  return {
    info: line,
    debug: text => line(`::debug::${text}`),
    startGroup: title => line(`::group::${title}`),
    endGroup: () => line('::endgroup::'),
    warning: line,
    notice: line,
    error: line,
    setOutput: () => undefined,
    ...(caughtUp ? { caughtUp } : {})
  }
}

const bigReport = () =>
  report({
    dryRun: true,
    packages: [
      {
        plan: {
          packageName: 'app',
          decisions: Array.from({ length: 2000 }, (_, i) =>
            decision({
              versionId: 1000 + i,
              digest: dg((i % 256).toString(16).padStart(2, '0')),
              action: 'keep'
            })
          ),
          deleteOrder: [],
          warnings: []
        }
      }
    ]
  })

describe('stdoutCaughtUp', () => {
  it('lets the decision lines wait for a slow reader: at most the limit and one line wait in memory', async () => {
    const { stream, lines, mostWaiting } = slowPipe()
    await emitLog(
      bigReport(),
      sinkOn(stream, () => stdoutCaughtUp(stream, 8192))
    )
    await new Promise<void>(resolve => stream.end(resolve))
    // Every line arrived, in order, and never more than the limit plus one line was queued.
    expect(lines).toHaveLength(2 * 2000 + 3)
    expect(lines[0]).toBe('::group::app: would keep 2000 of 2000 versions\n')
    expect(mostWaiting()).toBeLessThan(8192 + 400)
  })

  it('without it the whole log waits in memory (what a runner reading slowly would see)', async () => {
    const { stream, mostWaiting } = slowPipe()
    await emitLog(bigReport(), sinkOn(stream))
    expect(mostWaiting()).toBeGreaterThan(400_000)
    await new Promise<void>(resolve => stream.end(resolve))
  })

  it('does not wait for a stream that will never drain', async () => {
    const { stream } = slowPipe()
    stream.write('x'.repeat(10_000))
    const waiting = stdoutCaughtUp(stream, 1024)
    expect(waiting).toBeDefined()
    stream.destroy()
    await waiting
    expect(stdoutCaughtUp(new Writable({ write: (_c, _e, cb) => cb() }), 1024)).toBeUndefined()
  })
})

describe('stdoutCaughtUp, a reader that stopped reading', () => {
  it('a whole report on a stuck pipe waits once, not once per line', async () => {
    const stuck = new Writable({ highWaterMark: 16, write: () => undefined })
    let waits = 0
    const started = Date.now()
    await emitLog(
      bigReport(),
      sinkOn(stuck, () => {
        const wait = stdoutCaughtUp(stuck, 8, 50)
        if (wait) waits++
        return wait
      })
    )
    expect(waits).toBe(1)
    expect(Date.now() - started).toBeLessThan(2_000)
    stuck.destroy()
  })

  it('waits at most the wait limit, then lets the writer go on', async () => {
    // A pipe whose reader never takes anything and never closes.
    const stuck = new Writable({ highWaterMark: 16, write: () => undefined })
    stuck.write('x'.repeat(64))
    const started = Date.now()
    const wait = stdoutCaughtUp(stuck, 8, 50)
    expect(wait).toBeDefined()
    await wait
    expect(Date.now() - started).toBeGreaterThanOrEqual(45)
    // Once a wait ran out, the stream is not waited for again: one stalled reader costs one wait, not one a line.
    expect(stdoutCaughtUp(stuck, 8, 50)).toBeUndefined()
    stuck.destroy()
  })
})
