/** Safety nets around a plan: the last tagged version, max-deletions, and the delete order. */
import { describe, expect, it } from '@jest/globals'
import { exceedsMaxDeletions } from '../../src/planner/safetyCap.js'
import { PackageBuilder, dg } from './packageBuilder.js'
import { planWith } from './scenarioHelpers.js'

describe('last tagged version', () => {
  it('keeps the newest tagged root instead of letting GitHub refuse (400) the last delete', () => {
    const p = new PackageBuilder()
    p.image('c1')
    p.index('pr-1', [{ name: 'c1', platform: 'linux/amd64' }], { tags: ['pr-1'], age: 20 })
    p.image('c2')
    p.index('pr-2', [{ name: 'c2', platform: 'linux/amd64' }], { tags: ['pr-2'], age: 10 })
    const r = planWith(p, { 'delete-tags': 'pr-*' })
    expect(r.deleted()).toEqual(['pr-1', 'c1'])
    expect(r.of('pr-2')).toMatchObject({ action: 'keep', rule: 'last-tagged-version' })
    expect(r.of('pr-2').reason).toBe(
      'kept: tag pr-2: the plan would delete every tagged version, and GitHub refuses to delete the last one, so the newest is kept (delete the package itself to remove it)'
    )
    expect(r.of('c2').reason).toBe('kept: child (linux/amd64) of kept tag pr-2')
    expect(r.plan.warnings).toContainEqual(
      expect.objectContaining({ kind: 'last-tagged-version', digest: dg('pr-2') })
    )
  })
  it('holds an image tag rather than a signature, and is not needed while any tagged version stays', () => {
    const p = new PackageBuilder()
    p.image('pr-1', { tags: ['pr-1'], age: 5 })
    p.image('v1', { tags: ['v1'], age: 9 })
    p.cosign('sig', 'v1', 'sig', { age: 1 })
    const all = planWith(p, { 'delete-tags': 'pr-*, v*' })
    // pr-1 is the newest image; the signature is newer still but is not an image.
    expect(all.of('pr-1').rule).toBe('last-tagged-version')
    expect(all.deleted()).toEqual(['sig', 'v1'])
    const some = planWith(p, { 'delete-tags': 'pr-*' })
    expect(some.deleted()).toEqual(['pr-1'])
    expect(some.plan.warnings.some(w => w.kind === 'last-tagged-version')).toBe(false)
  })
})

describe('max-deletions', () => {
  function tenOrphans(): PackageBuilder {
    const p = new PackageBuilder()
    p.image('latest', { tags: ['latest'] })
    for (let k = 0; k < 10; k++) p.image(`o${k}`, { age: 30 })
    return p
  }
  it('within the cap the plan runs', () => {
    expect(planWith(tenOrphans(), { 'max-deletions': '10' }).plan.blocked).toBeUndefined()
    expect(planWith(tenOrphans(), { 'max-deletions': '91%' }).deleted()).toHaveLength(10)
  })
  it('over a count, nothing is deleted and the run says how to raise it', () => {
    const r = planWith(tenOrphans(), { 'max-deletions': '4' })
    expect(r.plan.blocked).toBe(
      'The plan for app deletes 10 of 11 versions (90.9%), more than max-deletions 4 allows, so nothing is deleted. Review the plan; to let it run, set max-deletions to 10 or more (or 91%).'
    )
    expect(r.plan.deleteOrder).toEqual([])
    expect(r.of('o3')).toMatchObject({ action: 'keep', rule: 'max-deletions' })
    expect(r.of('o3').reason).toMatch(
      /^kept: max-deletions stopped this plan \(it would be deleted: untagged orphan/
    )
    expect(r.of('latest').rule).toBe('no-tag-rule')
    expect(r.plan.warnings).toContainEqual({ kind: 'max-deletions', message: r.plan.blocked })
  })
  it('over a share, the message gives the share and the count to set', () => {
    const message = exceedsMaxDeletions(523, 1000, { kind: 'percent', value: 10 }, 'app')
    expect(message).toBe(
      'The plan for app deletes 523 of 1000 versions (52.3%), more than max-deletions 10% allows, so nothing is deleted. Review the plan; to let it run, set max-deletions to 53% or more (or 523).'
    )
    expect(exceedsMaxDeletions(100, 1000, { kind: 'percent', value: 10 }, 'app')).toBeUndefined()
    expect(exceedsMaxDeletions(0, 0, { kind: 'count', value: 0 }, 'app')).toBeUndefined()
    expect(exceedsMaxDeletions(1, 5, { kind: 'count', value: 0 }, 'app')).toMatch(
      /set max-deletions to 1 or more/
    )
  })
  it('a blocked plan removes no tag either', () => {
    const p = new PackageBuilder()
    p.image('multi', { tags: ['v1', 'pr-1'], age: 30 })
    p.image('pr-2', { tags: ['pr-2'], age: 30 })
    const r = planWith(p, { 'delete-tags': 'pr-*', untag: 'true', 'max-deletions': '0' })
    expect(r.plan.blocked).toBeDefined()
    expect(r.of('multi').untagTags).toBeUndefined()
  })
})

describe('delete order', () => {
  it('puts every index before its children and every referrer before its subject', () => {
    const p = new PackageBuilder()
    p.image('keep', { tags: ['latest'] })
    p.image('leaf')
    p.index('inner', ['leaf'])
    p.index('outer', ['inner', 'leaf'], { tags: ['old'] })
    p.cosign('sig', 'outer')
    p.image('sbom', { subject: 'leaf', artifactType: 'text/spdx+json' })
    const seq = planWith(p, { 'delete-tags': 'old' }).deleted()
    expect([...seq].sort()).toEqual(['inner', 'leaf', 'outer', 'sbom', 'sig'])
    const pos = (n: string) => seq.indexOf(n)
    expect(pos('outer')).toBeLessThan(pos('inner'))
    expect(pos('inner')).toBeLessThan(pos('leaf'))
    expect(pos('sig')).toBeLessThan(pos('outer'))
    expect(pos('sbom')).toBeLessThan(pos('leaf'))
  })
  it('lists every version id of a digest GitHub happens to list twice', () => {
    const p = new PackageBuilder()
    p.image('keep', { tags: ['latest'] })
    p.image('twice', { age: 30 })
    p.versions.push({ ...p.versions[1], id: 5000 })
    const r = planWith(p)
    expect(r.plan.decisions).toHaveLength(3)
    expect(r.plan.deleteOrder).toEqual([1001, 5000])
  })
})
