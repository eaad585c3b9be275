import { describe, expect, it } from '@jest/globals'
import { compilePolicy } from '../../src/planner/compilePolicy.js'
import { DEFAULT_POLICY } from '../../src/planner/Policy.js'
import { PolicyError } from '../../src/planner/PolicyError.js'

const DIGEST = 'sha256:' + 'a'.repeat(64)

describe('compilePolicy', () => {
  it('gives the documented defaults for empty inputs (as core.getInput returns them)', () => {
    const p = compilePolicy({
      'keep-tags': '',
      'delete-tags': '',
      'keep-n-tagged': '',
      'older-than': '',
      'age-by': '',
      'delete-untagged': '',
      'untagged-grace': '',
      'keep-n-untagged': '',
      'keep-digests': '',
      'delete-ghost-indexes': '',
      'delete-partial-indexes': '',
      'max-deletions': '',
      untag: ''
    })
    expect(p).toEqual(DEFAULT_POLICY)
    expect(compilePolicy({})).toEqual(DEFAULT_POLICY)
  })

  it('reads every input', () => {
    const p = compilePolicy(
      {
        'keep-tags': 'v*, latest',
        'delete-tags': '/^pr-\\d+$/',
        'keep-n-tagged': '10',
        'older-than': '30d',
        'age-by': 'created',
        'delete-untagged': 'false',
        'untagged-grace': '2w 3d',
        'keep-n-untagged': '0',
        'keep-digests': `${DIGEST}\n${DIGEST}`,
        'delete-ghost-indexes': 'True',
        'delete-partial-indexes': 'TRUE',
        'max-deletions': '20%',
        untag: 'true'
      },
      { pinnedDigests: [DIGEST] }
    )
    expect(p.keepTags.map(m => m.source)).toEqual(['v*', 'latest'])
    expect(p.deleteTags.map(m => m.source)).toEqual(['/^pr-\\d+$/'])
    expect(p.deleteTagsExplicit).toBe(true)
    expect(p.keepNTagged).toBe(10)
    expect(p.olderThanMs).toBe(30 * 86_400_000)
    expect(p.ageBy).toBe('created')
    expect(p.deleteUntagged).toBe(false)
    expect(p.untaggedGraceMs).toBe(17 * 86_400_000)
    expect(p.keepNUntagged).toBe(0)
    expect(p.keepDigests).toEqual([DIGEST])
    expect(p.pinnedDigests).toEqual([DIGEST])
    expect(p.deleteGhostIndexes).toBe(true)
    expect(p.deletePartialIndexes).toBe(true)
    expect(p.maxDeletions).toEqual({ kind: 'percent', value: 20 })
    expect(p.untag).toBe(true)
    expect(compilePolicy({ 'max-deletions': '500' }).maxDeletions).toEqual({ kind: 'count', value: 500 })
  })

  it.each([
    ['keep-n-tagged', '-1', /cannot be negative/],
    ['keep-n-tagged', '1.5', /whole number/],
    ['keep-n-untagged', 'ten', /whole number/],
    ['older-than', '30 dayz', /Unknown unit 'dayz'/],
    ['untagged-grace', '-2d', /cannot be negative/],
    ['age-by', 'pushed', /`updated` \(default\) or `created`/],
    ['delete-untagged', 'yes', /`true` or `false`/],
    ['untag', '1', /`true` or `false`/],
    ['keep-digests', 'sha256:abc', /64 lowercase hex/],
    ['max-deletions', '-5', /cannot be negative/],
    ['max-deletions', '150%', /cannot exceed 100%/],
    ['max-deletions', 'lots', /count such as `500`/],
    ['keep-tags', '/[/', /Not a valid regular expression/],
    ['delete-tags', '/x/y', /Unsupported regex flags/]
  ])('refuses %s = %j before anything runs', (input, value, message) => {
    let error: unknown
    try {
      compilePolicy({ [input]: value })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PolicyError)
    expect((error as PolicyError).input).toBe(input)
    expect((error as PolicyError).message).toContain(`Invalid input '${input}'`)
    expect((error as PolicyError).message).toMatch(message)
  })

  it('refuses the same pattern in keep-tags and delete-tags', () => {
    expect(() => compilePolicy({ 'keep-tags': 'v*, pr-*', 'delete-tags': 'pr-*' })).toThrow(
      /Invalid input 'delete-tags': "pr-\*". The same pattern is in keep-tags/
    )
  })
})
