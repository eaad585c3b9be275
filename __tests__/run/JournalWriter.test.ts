import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseJournal } from '../../src/execute/Journal.js'
import { JournalWriter, openJournalFile, type JournalFile } from '../../src/run/JournalWriter.js'
import { end, header, intent, result } from '../execute/journalText.js'

const tempFile = (): string => path.join(mkdtempSync(path.join(tmpdir(), 'jw-')), 'nested', 'journal.jsonl')

/** A real file whose appends fail from the `failAt`-th on (1 = the header), logging every call. */
function flakyFile(failAt: number, calls: string[]) {
  return async (p: string): Promise<JournalFile> => {
    const file = await openJournalFile(p)
    let appends = 0
    return {
      append: async text => {
        appends++
        calls.push(`append ${appends}`)
        if (appends >= failAt)
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
        await file.append(text)
      },
      sync: async () => {
        calls.push('sync')
        await file.sync()
      },
      close: () => file.close()
    }
  }
}

describe('JournalWriter', () => {
  it('writes the header on open, then each record as one line in the order given, readable at any moment', async () => {
    const file = tempFile()
    const writer = await JournalWriter.open(file, header())
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(header()) + '\n')
    // Not awaited: the writer keeps the order anyway (an intent is never written after its result).
    writer.record([intent(1)])
    const answered = writer.write([result(1)])
    await answered
    expect(parseJournal(readFileSync(file, 'utf8'), file).packages[0].deleted.map(d => d.id)).toEqual([1])
    await writer.close(end)
    const j = parseJournal(readFileSync(file, 'utf8'), file)
    expect(j.complete).toBe(true)
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(5)
  })

  it('a durable record is synced to disk before its promise settles', async () => {
    const calls: string[] = []
    const writer = await JournalWriter.open(tempFile(), header(), flakyFile(99, calls))
    await writer.write([intent(1)], { durable: true })
    await writer.write([result(1)])
    expect(calls).toEqual(['append 1', 'sync', 'append 2', 'sync', 'append 3'])
  })

  it('writes a large batch lazily in appends that each end a line, with the same bytes as one append', async () => {
    const records = Array.from({ length: 5000 }, (_, i) =>
      intent(i + 1, { tags: [`t-${'x'.repeat(80)}-${i}`] })
    )
    const appends: string[] = []
    const file = tempFile()
    const writer = await JournalWriter.open(file, header(), async p => {
      const real = await openJournalFile(p)
      return { ...real, append: async text => (appends.push(text), real.append(text)) }
    })
    let made = 0
    function* lazily() {
      for (const r of records) {
        made++
        yield r
      }
    }
    writer.record(lazily())
    // Nothing is made until the writer's turn comes.
    expect(made).toBe(0)
    await writer.close()
    expect(made).toBe(records.length)
    const lines = appends.slice(1)
    expect(lines.length).toBeGreaterThan(1)
    for (const text of lines) expect(text.endsWith('\n')).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe(
      [header(), ...records].map(r => JSON.stringify(r)).join('\n') + '\n'
    )
  })

  it('a place that cannot be written is an error naming journal-file, before anything else happens', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jw-'))
    writeFileSync(path.join(dir, 'a-file'), '')
    const where = path.join(dir, 'a-file', 'journal.jsonl')
    await expect(JournalWriter.open(where, header())).rejects.toThrow(
      `journal-failed: cannot write journal-file ${JSON.stringify(where)} (`
    )
    await expect(JournalWriter.open('/dev/full', header())).rejects.toThrow(
      'journal-failed: cannot write journal-file "/dev/full" (ENOSPC'
    )
  })

  it('after a failed write nothing more is written, every later write rejects, and nothing is left unhandled', async () => {
    const calls: string[] = []
    const file = tempFile()
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const writer = await JournalWriter.open(file, header(), flakyFile(3, calls))
      await writer.write([intent(1)], { durable: true })
      writer.record([result(1)]) // fails: kept in `failed`, no rejection escapes
      await expect(writer.write([intent(2)], { durable: true })).rejects.toThrow(
        `journal-failed: cannot write journal-file ${JSON.stringify(file)} (ENOSPC: no space left on device, write)`
      )
      expect(writer.failed?.message).toContain('ENOSPC')
      await writer.close(end)
      await new Promise(r => setImmediate(r))
      expect(calls).toEqual(['append 1', 'sync', 'append 2', 'sync', 'append 3'])
      const j = parseJournal(readFileSync(file, 'utf8'), file)
      expect(j.complete).toBe(false)
      expect(j.packages[0].unconfirmed.map(u => u.id)).toEqual([1])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
    expect(unhandled).toEqual([])
  })
})
