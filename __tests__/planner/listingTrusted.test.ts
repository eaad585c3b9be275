/** listingTrusted: false keeps untagged and orphaned versions, with a reason and one warning (issue 17, item 2). */
import { describe, expect, it } from '@jest/globals'
import { compilePolicy } from '../../src/planner/compilePolicy.js'
import { plan } from '../../src/planner/planner.js'
import { PackageBuilder, dg } from './packageBuilder.js'

function build(): PackageBuilder {
  const p = new PackageBuilder()
  p.image('amd', { age: 40 })
  p.image('arm', { age: 40 })
  p.index('old', ['amd', 'arm'], { tags: ['v1'], age: 40 })
  p.image('orphan', { age: 30 })
  p.cosign('sig', 'gone', 'sig', { age: 30 })
  p.image('new', { tags: ['v2'], age: 1 })
  return p
}

const policy = compilePolicy({ 'delete-tags': 'v*', 'keep-n-tagged': '1', 'delete-dangling': 'true' })
const nameOf = (digest: string): string =>
  ['amd', 'arm', 'old', 'orphan', 'sig', 'new'].find(n => dg(n) === digest)!

describe('an untrusted listing', () => {
  it('keeps orphans and dangling referrers, still deletes tagged images and their closure', () => {
    const trusted = plan(build().input(), policy)
    const deletedWhenTrusted = trusted.decisions.filter(d => d.action === 'delete').map(d => nameOf(d.digest))
    expect(deletedWhenTrusted.sort()).toEqual(['amd', 'arm', 'old', 'orphan', 'sig'])

    const moved = plan(
      { ...build().input(), listingTrusted: false, listingMoves: 'version_count 6 before, 5 after' },
      policy
    )
    const deleted = moved.decisions.filter(d => d.action === 'delete').map(d => nameOf(d.digest))
    expect(deleted.sort()).toEqual(['amd', 'arm', 'old'])
    const orphan = moved.decisions.find(d => d.digest === dg('orphan'))!
    expect(orphan.rule).toBe('listing-moved')
    expect(orphan.reason).toContain('version_count 6 before, 5 after')
    expect(moved.decisions.find(d => d.digest === dg('sig'))!.rule).toBe('listing-moved')
    const warnings = moved.warnings.filter(w => w.kind === 'listing-moved')
    expect(warnings).toHaveLength(1)
    expect(warnings[0].message).toContain('2 untagged or orphaned versions were kept this run')
    expect(warnings[0].message).toContain('concurrency group')
  })

  it('says nothing when nothing would have been deleted', () => {
    const p = new PackageBuilder()
    p.image('new', { tags: ['v2'], age: 1 })
    const moved = plan({ ...p.input(), listingTrusted: false }, policy)
    expect(moved.warnings.filter(w => w.kind === 'listing-moved')).toEqual([])
  })
})
