/** The push-in-flight floor: young orphans are kept below any untagged-grace, even 0 (issue 17, item 4). */
import { describe, expect, it } from '@jest/globals'
import { PUSH_IN_FLIGHT_FLOOR_MS } from '../../src/planner/OrphanRules.js'
import { DAY, PackageBuilder } from './packageBuilder.js'
import { planWith } from './scenarioHelpers.js'

const MINUTE = 60_000
const minutes = (n: number): number => (n * MINUTE) / DAY

describe('push-in-flight floor', () => {
  it('is 15 minutes', () => {
    expect(PUSH_IN_FLIGHT_FLOOR_MS).toBe(15 * MINUTE)
  })

  it('keeps the platform images of a push whose index is not uploaded yet, with untagged-grace 0', () => {
    const p = new PackageBuilder()
    p.image('main', { tags: ['main'], age: 3 })
    p.image('amd', { age: minutes(1) })
    p.image('arm', { age: minutes(0.5) })
    p.image('attestation', { age: minutes(0.5), artifactType: 'application/vnd.in-toto+json' })
    p.image('old-orphan', { age: 2 })
    const r = planWith(p, { 'untagged-grace': '0' })
    expect(r.deleted()).toEqual(['old-orphan'])
    for (const name of ['amd', 'arm', 'attestation']) expect(r.of(name).rule).toBe('push-in-flight')
    expect(r.of('amd').reason).toBe(
      'kept: untagged orphan, 1min old: younger than 15min, a push may still be uploading the index that lists it (kept whatever untagged-grace says)'
    )
  })

  it('uses the newer of created and updated, whatever age-by says', () => {
    const p = new PackageBuilder()
    p.image('main', { tags: ['main'], age: 3 })
    p.image('touched', { age: 10, updated: minutes(5) })
    const r = planWith(p, { 'untagged-grace': '0', 'age-by': 'created' })
    expect(r.of('touched').rule).toBe('push-in-flight')
  })

  it('ends at 15 minutes', () => {
    const p = new PackageBuilder()
    p.image('main', { tags: ['main'], age: 3 })
    p.image('just-under', { age: minutes(14.9) })
    p.image('at-floor', { age: minutes(15) })
    const r = planWith(p, { 'untagged-grace': '0' })
    expect(r.of('just-under').rule).toBe('push-in-flight')
    expect(r.deleted()).toEqual(['at-floor'])
  })

  it('leaves a longer untagged-grace and delete-untagged: false in charge', () => {
    const p = new PackageBuilder()
    p.image('main', { tags: ['main'], age: 3 })
    p.image('young', { age: minutes(2) })
    expect(planWith(p, { 'untagged-grace': '1h' }).of('young').rule).toBe('untagged-grace')
    expect(planWith(p, { 'delete-untagged': 'false' }).of('young').rule).toBe('delete-untagged')
  })

  it('takes no keep-n-untagged slot: the older orphans keep theirs', () => {
    const p = new PackageBuilder()
    p.image('main', { tags: ['main'], age: 3 })
    p.image('o-old', { age: 5 })
    p.image('o-mid', { age: 4 })
    p.image('in-flight', { age: minutes(1) })
    const r = planWith(p, { 'untagged-grace': '0', 'keep-n-untagged': '1' })
    expect(r.of('in-flight').rule).toBe('push-in-flight')
    expect(r.of('o-mid').rule).toBe('keep-n-untagged')
    expect(r.deleted()).toEqual(['o-old'])
  })

  it('covers dangling referrers once delete-dangling is set', () => {
    const p = new PackageBuilder()
    p.image('main', { tags: ['main'], age: 3 })
    p.cosign('sig', 'gone-subject', 'sig', { age: minutes(3) })
    const r = planWith(p, { 'untagged-grace': '0', 'delete-dangling': 'true' })
    expect(r.of('sig').rule).toBe('push-in-flight')
    expect(r.deleted()).toEqual([])
  })
})
