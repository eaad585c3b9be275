import { describe, expect, it } from '@jest/globals'
import { childNodes, numberVersions } from '../../src/planner/NodeNumbering.js'
import { plan } from '../../src/planner/planner.js'
import { DEFAULT_POLICY } from '../../src/planner/Policy.js'
import { PackageBuilder, dg } from './packageBuilder.js'

describe('remembered node numbering', () => {
  it('is reused for the same, unchanged version list', () => {
    const p = new PackageBuilder()
    p.image('a', { tags: ['a'] })
    p.image('b')
    expect(numberVersions(p.versions)).toBe(numberVersions(p.versions))
    expect(numberVersions([...p.versions])).not.toBe(numberVersions(p.versions))
  })

  it('is rebuilt when the list changed in place, so a plan never uses stale numbers', () => {
    const p = new PackageBuilder()
    p.image('child')
    p.index('idx', [{ name: 'child', platform: 'linux/amd64' }], { tags: ['v1'] })
    p.image('other', { age: 30 })
    const input = p.input()
    const before = plan(input, DEFAULT_POLICY)
    expect(before.decisions.map(d => d.action)).toEqual(['keep', 'keep', 'delete'])
    // Swap two listings in place: positions now hold other digests.
    const versions = input.versions as unknown as (typeof input.versions)[number][]
    ;[versions[0], versions[2]] = [versions[2], versions[0]]
    const after = plan(input, DEFAULT_POLICY)
    expect(after.decisions.map(d => [d.digest, d.action])).toEqual([
      [dg('other'), 'delete'],
      [dg('idx'), 'keep'],
      [dg('child'), 'keep']
    ])
    expect(after.decisions[2].reason).toBe('kept: child (linux/amd64) of kept tag v1')
  })

  it('resolves each index once per numbering', () => {
    const p = new PackageBuilder()
    p.image('child')
    p.index('idx', ['child', 'absent'], { tags: ['v1'] })
    const n = numberVersions(p.versions)
    const m = p.truth.get(dg('idx'))!
    const kids = childNodes(n, m)
    expect([...kids]).toEqual([0, -1])
    expect(childNodes(n, m)).toBe(kids)
  })
})
