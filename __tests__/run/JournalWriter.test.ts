import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { JOURNAL_SCHEMA, type Journal } from '../../src/execute/Journal.js'
import { JournalWriter } from '../../src/run/JournalWriter.js'

function journalWith(ids: number[]): Journal {
  return {
    schema: JOURNAL_SCHEMA,
    mode: 'prune',
    startedAt: '2026-11-25T00:00:00.000Z',
    dryRun: false,
    owner: 'acme',
    packages: [
      {
        name: 'app',
        deleted: ids.map(id => ({ id, digest: `sha256:${String(id).padStart(64, '0')}`, tags: [], at: '' })),
        refused: [],
        failed: [],
        remaining: []
      }
    ]
  }
}

const read = (file: string): Journal => JSON.parse(readFileSync(file, 'utf8')) as Journal

describe('JournalWriter', () => {
  it('writes the first change at once, then at most once per gap, and flush writes the final state', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'jw-')), 'journal.json')
    const ids: number[] = []
    let clock = 0
    const writer = new JournalWriter(
      file,
      () => journalWith([...ids]),
      2000,
      () => clock
    )
    ids.push(1)
    clock = 5000
    writer.touch()
    // the touch above started a write of [1]; more deletes within the gap are not written yet
    await new Promise(r => setTimeout(r, 50))
    expect(read(file).packages[0].deleted.map(d => d.id)).toEqual([1])
    ids.push(2)
    clock = 5500
    writer.touch()
    await new Promise(r => setTimeout(r, 50))
    expect(read(file).packages[0].deleted.map(d => d.id)).toEqual([1])
    ids.push(3)
    clock = 7500
    writer.touch()
    await new Promise(r => setTimeout(r, 50))
    expect(read(file).packages[0].deleted.map(d => d.id)).toEqual([1, 2, 3])
    ids.push(4)
    await writer.flush({ status: 'ok' })
    const final = read(file)
    expect(final.packages[0].deleted.map(d => d.id)).toEqual([1, 2, 3, 4])
    expect(final.status).toBe('ok')
  })
})
