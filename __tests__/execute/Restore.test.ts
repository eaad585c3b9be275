import { describe, expect, it } from '@jest/globals'
import { RequestBudget } from '../../src/execute/RequestBudget.js'
import {
  deletedWithin,
  restoreItemsFromJournal,
  restoreVersions,
  RESTORE_WINDOW_MS
} from '../../src/execute/Restore.js'
import { parseJournal } from '../../src/execute/Journal.js'
import { digestOf, header, intent, jsonl, result } from './journalText.js'
import { FakePackages, FakeStore, PKG } from './fakes.js'

const NOW = Date.parse('2026-03-01T00:00:00Z')

function world() {
  const store = new FakeStore()
  const c1 = store.image()
  const c2 = store.image()
  const I = store.index([c1, c2], ['v1'])
  const packages = new FakePackages(store)
  for (const v of [I, c1, c2]) {
    v.state = 'deleted'
    v.deletedAt = NOW - 3600_000
  }
  return { store, packages, I, c1, c2 }
}

describe('restoreVersions', () => {
  it('restores children before the index that references them', async () => {
    const w = world()
    const result = await restoreVersions(
      PKG,
      [
        { id: w.I.id, digest: w.I.digest },
        { id: w.c1.id, after: [w.I.id] },
        { id: w.c2.id, after: [w.I.id] }
      ],
      { packages: w.packages, budget: RequestBudget.create(w.packages), now: () => NOW }
    )
    expect([...result.restored].sort()).toEqual([w.I.id, w.c1.id, w.c2.id].sort())
    expect(w.packages.calls.at(-1)).toBe(`RESTORE ${w.I.id}`)
    expect(w.store.active()).toHaveLength(3)
  })

  it('reports what cannot come back, and still restores the index above it', async () => {
    const w = world()
    w.packages.answers.set(w.c2.id, {
      kind: 'refused',
      status: 404,
      message: 'not restorable: digest pushed again'
    })
    const old = { id: 5, digest: 'sha256:' + 'a'.repeat(64), deletedAt: NOW - RESTORE_WINDOW_MS - 1 }
    const result = await restoreVersions(
      PKG,
      [{ id: w.I.id }, { id: w.c1.id, after: [w.I.id] }, { id: w.c2.id, after: [w.I.id] }, old],
      { packages: w.packages, budget: RequestBudget.create(w.packages), now: () => NOW }
    )
    expect([...result.restored].sort()).toEqual([w.I.id, w.c1.id].sort())
    expect(result.notRestored).toEqual([
      {
        versionId: 5,
        digest: old.digest,
        reason: 'deleted 2026-01-29T23:59:59.999Z, more than 30 days ago: GitHub no longer restores it'
      },
      { versionId: w.c2.id, digest: undefined, reason: '404: not restorable: digest pushed again' }
    ])
    expect(w.packages.calls).not.toContain('RESTORE 5')
  })

  it('stops at the budget and reports the rest as not attempted', async () => {
    const w = world()
    const result = await restoreVersions(PKG, [{ id: w.c1.id }, { id: w.c2.id }, { id: w.I.id }], {
      packages: w.packages,
      budget: RequestBudget.create(w.packages, 1),
      concurrency: 1,
      now: () => NOW
    })
    expect(result.restored).toEqual([w.c1.id])
    expect(result.remaining).toEqual([w.c2.id, w.I.id])
    expect(result.stoppedReason).toMatch(/^request-budget of 1/)
  })
})

describe('restore sources', () => {
  it('a journal gives the deleted ids, the deletes sent with no answer and those that errored, with their lines', () => {
    const journal = parseJournal(
      jsonl([
        header({ startedAt: '2026-02-28T00:00:00.000Z' }),
        intent(1, { tags: ['v1'], at: '2026-02-28T00:00:01Z' }),
        result(1, 'deleted', { at: '2026-02-28T00:00:01Z' }),
        intent(2, { after: [1], at: '2026-02-28T00:00:02Z' }),
        result(2, 'already-gone', { at: '2026-02-28T00:00:02Z' }),
        intent(3),
        result(3, 'refused', { status: 400, message: 'last tagged version' }),
        intent(4),
        result(4, 'rate-limited'),
        intent(5),
        result(5, 'failed', { message: '502 Bad Gateway' }),
        intent(6, { at: '2026-02-28T00:00:06Z' }),
        { type: 'package-end', package: 'tools', at: '2026-02-28T00:00:07Z', remaining: [] }
      ]),
      'j.jsonl'
    )
    expect([...restoreItemsFromJournal(journal)]).toEqual([
      [
        'app',
        [
          {
            id: 1,
            digest: digestOf(1),
            deletedAt: Date.parse('2026-02-28T00:00:01Z'),
            line: 2,
            confirmed: true
          },
          {
            id: 2,
            digest: digestOf(2),
            deletedAt: Date.parse('2026-02-28T00:00:02Z'),
            after: [1],
            line: 4,
            confirmed: true
          },
          {
            id: 6,
            digest: digestOf(6),
            deletedAt: Date.parse('2026-02-28T00:00:06Z'),
            line: 12,
            confirmed: false
          },
          {
            id: 5,
            digest: digestOf(5),
            deletedAt: Date.parse('2026-02-28T00:00:00.000Z'),
            line: 10,
            confirmed: false
          }
        ]
      ]
    ])
  })

  it('a time window selects deleted versions by deleted_at, newest delete first, untagged first on ties', async () => {
    const w = world()
    w.I.tags = ['v1']
    w.c1.deletedAt = NOW - 10_000
    const outside = w.store.image()
    outside.state = 'deleted'
    outside.deletedAt = NOW - 5 * 3600_000
    const items = await deletedWithin(PKG, 2 * 3600_000, w.packages, NOW)
    expect(items.map(i => i.id)).toEqual([w.c1.id, w.c2.id, w.I.id])
    // Strict order: each waits for the one before it.
    expect(items.map(i => i.after)).toEqual([[w.c2.id], [w.I.id], undefined])
  })
})
