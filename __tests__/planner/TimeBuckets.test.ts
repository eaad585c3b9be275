import { describe, expect, it } from '@jest/globals'
import { compilePolicy } from '../../src/planner/compilePolicy.js'
import { plan } from '../../src/planner/planner.js'
import { bucketKeepers, isoWeek } from '../../src/planner/TimeBuckets.js'
import { DAY, NOW, PackageBuilder, dg } from './packageBuilder.js'

const at = (iso: string) => Date.parse(iso)
/** Age in days of an instant, for PackageBuilder (NOW is 2026-11-23T12:00Z, a Monday). */
const ageOf = (iso: string) => (NOW - at(iso)) / DAY

describe('time buckets', () => {
  it('ISO weeks: Monday starts a week; 2026 has 53 weeks', () => {
    expect(isoWeek(at('2026-11-22T23:59:59Z'))).toBe('2026-W47')
    expect(isoWeek(at('2026-11-23T00:00:00Z'))).toBe('2026-W48')
    expect(isoWeek(at('2026-01-01T00:00:00Z'))).toBe('2026-W01')
    expect(isoWeek(at('2027-01-01T12:00:00Z'))).toBe('2026-W53')
    expect(isoWeek(at('2027-01-04T00:00:00Z'))).toBe('2027-W01')
    expect(isoWeek(at('2025-12-29T00:00:00Z'))).toBe('2026-W01')
  })

  it('midnight UTC splits days: 23:59:59 and 00:00 are two daily buckets', () => {
    const items = [
      { id: 1, time: at('2026-11-23T00:00:00Z') },
      { id: 2, time: at('2026-11-22T23:59:59Z') },
      { id: 3, time: at('2026-11-22T08:00:00Z') }
    ]
    expect([...bucketKeepers(items, { daily: 2 }).keys()]).toEqual([1, 2])
  })

  it('counts the last N buckets that have images, not calendar days (restic)', () => {
    const items = [
      { id: 1, time: at('2026-11-23T09:00:00Z') },
      { id: 2, time: at('2026-10-01T09:00:00Z') },
      { id: 3, time: at('2026-06-01T09:00:00Z') }
    ]
    expect([...bucketKeepers(items, { daily: 2 }).keys()]).toEqual([1, 2])
  })

  it('month ends: 31 Oct 23:00 and 1 Nov 00:30 fall in different months (the README table)', () => {
    const p = new PackageBuilder()
    const rows: [string, string][] = [
      ['a', '2026-11-23T09:00:00Z'],
      ['b', '2026-11-23T00:00:00Z'],
      ['c', '2026-11-22T23:59:00Z'],
      ['d', '2026-11-20T10:00:00Z'],
      ['f', '2026-11-01T00:30:00Z'],
      ['e', '2026-10-31T23:00:00Z'],
      ['g', '2025-12-31T12:00:00Z']
    ]
    for (const [name, iso] of [...rows].reverse()) p.image(name, { tags: [name], age: ageOf(iso) })
    const result = plan(
      p.input(),
      compilePolicy({ 'keep-daily': '3', 'keep-weekly': '2', 'keep-monthly': '2', 'keep-yearly': '2' })
    )
    const rule = (n: string) => {
      const d = result.decisions.find(x => x.digest === dg(n))!
      return `${d.action}:${d.rule}`
    }
    expect(rows.map(([n]) => `${n} ${rule(n)}`)).toEqual([
      'a keep:keep-daily',
      'b delete:time-buckets',
      'c keep:keep-daily',
      'd keep:keep-daily',
      'f delete:time-buckets',
      'e keep:keep-monthly',
      'g keep:keep-yearly'
    ])
  })

  it('is a union with the other keep rules: a bucket keeps what older-than would delete', () => {
    const p = new PackageBuilder()
    p.image('old', { tags: ['v1'], age: 40 })
    p.image('older', { tags: ['v0'], age: 45 })
    p.image('new', { tags: ['v2'], age: 1 })
    const result = plan(p.input(), compilePolicy({ 'older-than': '30d', 'keep-monthly': '3' }))
    const d = (n: string) => result.decisions.find(x => x.digest === dg(n))!
    expect(d('new')).toMatchObject({ action: 'keep', rule: 'older-than' })
    expect(d('old')).toMatchObject({ action: 'keep', rule: 'keep-monthly' })
    expect(d('old').reason).toContain('the newest image of 2026-10 (UTC)')
    expect(d('older')).toMatchObject({ action: 'delete', rule: 'older-than' })
  })
})
