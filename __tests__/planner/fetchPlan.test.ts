import { describe, expect, it } from '@jest/globals'
import { MediaTypes } from '../../src/model/MediaType.js'
import { nextFetches } from '../../src/planner/fetchPlan.js'
import type { ManifestFact } from '../../src/model/ManifestFact.js'
import { PackageBuilder, dg, hex } from './packageBuilder.js'

describe('nextFetches (shared/DESIGN.md §9)', () => {
  it('reads tagged roots first, then nested indexes, then untagged versions no index lists', () => {
    const p = new PackageBuilder()
    p.image('platform')
    p.image('att')
    p.index('nested', [{ name: 'platform', platform: 'linux/amd64' }], {})
    p.index('top', ['nested', { name: 'att', attests: 'platform' }], { tags: ['v1'] })
    p.image('single', { tags: ['v2'] })
    p.image('orphan')
    p.cosign('sig', 'top')
    p.index('referrers', [], { tags: [`sha256-${hex('top')}`] })
    expect(p.read().reads).toEqual([
      [dg('top'), dg('single'), dg('referrers')],
      [dg('nested')],
      [dg('orphan')]
    ])
  })

  it('reads a listed child whose descriptor has no media type (it may be an index)', () => {
    const p = new PackageBuilder()
    p.image('child')
    p.index('top', [{ name: 'child', mediaType: null }], { tags: ['v1'] })
    expect(p.read().reads).toEqual([[dg('top')], [dg('child')]])
  })

  it('asks for nothing more once a possible index failed: the package is held anyway', () => {
    const p = new PackageBuilder()
    p.index('top', ['gone'], { tags: ['v1'] })
    p.image('orphan')
    const failed = new Map<string, ManifestFact>([[dg('top'), { ok: false, reason: 'HTTP 500' }]])
    expect(nextFetches(p.versions, failed)).toEqual([])
    const leaf = new Map<string, ManifestFact>([
      [dg('top'), { ok: false, reason: 'bad JSON', mediaType: MediaTypes.dockerV2 }]
    ])
    expect(nextFetches(p.versions, leaf)).toEqual([dg('orphan')])
  })

  it('is empty when everything needed is known (a warm cache reads nothing)', () => {
    const p = new PackageBuilder()
    p.image('a', { tags: ['a'] })
    const { facts } = p.read()
    expect(nextFetches(p.versions, facts)).toEqual([])
  })
})
