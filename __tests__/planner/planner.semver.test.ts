/** keep-semver and group-by: scenarios through the whole planner, and the inputs they refuse. */
import { describe, expect, it } from '@jest/globals'
import { compilePolicy, type RawPolicyInputs } from '../../src/planner/compilePolicy.js'
import { PolicyError } from '../../src/planner/PolicyError.js'
import { selectSemverTags, tagVersion } from '../../src/planner/SemverRules.js'
import { PackageBuilder } from './packageBuilder.js'
import { planWith } from './scenarioHelpers.js'

function tagged(p: PackageBuilder, specs: readonly (readonly [string, number])[]): void {
  for (const [tag, age] of specs) p.image(tag, { tags: [tag], age })
}

/** Releases pushed out of order (a 1.x backport is the newest push), a prerelease and tags that are not semver. */
function releases(): PackageBuilder {
  const p = new PackageBuilder()
  tagged(p, [
    ['v1.0.0', 300],
    ['v1.0.1', 280],
    ['v1.1.0', 250],
    ['v2.0.0', 200],
    ['v2.1.0', 150],
    ['v2.1.1', 120],
    ['v2.2.0', 100],
    ['v3.0.0-rc.1', 50],
    ['1.5', 40],
    ['sha-1234567', 30],
    ['latest', 2],
    ['v1.1.1', 1]
  ])
  return p
}

describe('keep-semver', () => {
  it('keeps every major’s newest release and the newest patch of the last N minor lines, by version not by push time', () => {
    const r = planWith(releases(), { 'keep-semver': 'majors, minors=2, patches=1', 'keep-n-tagged': '1' })
    expect(r.kept().sort()).toEqual(['latest', 'v1.1.1', 'v2.1.1', 'v2.2.0'])
    expect(r.of('v1.1.1')).toMatchObject({
      rule: 'keep-semver',
      reason:
        'kept: tag v1.1.1 is the newest release of major 1 (keep-semver majors=all, minors=2, patches=1)'
    })
    expect(r.of('v2.1.1').reason).toBe(
      'kept: tag v2.1.1 is the newest release of minor line 2.1 (keep-semver majors=all, minors=2, patches=1)'
    )
    // Kept releases take no keep-n-tagged slot: the newest push (v1.1.1) is kept by keep-semver, so the one
    // slot goes to latest.
    expect(r.of('latest').rule).toBe('keep-n-tagged')
    // Not semver (`1.5`, `sha-1234567`) or a prerelease: the usual rules decide.
    expect(r.of('1.5')).toMatchObject({ action: 'delete', rule: 'keep-n-tagged' })
    expect(r.of('sha-1234567').action).toBe('delete')
    expect(r.of('v3.0.0-rc.1').action).toBe('delete')
  })

  it('decides the README example as documented', () => {
    const r = planWith(releases(), { 'keep-semver': 'majors, minors=2', 'delete-tags': 'v*' })
    expect(r.deleted().sort()).toEqual(['v1.0.0', 'v1.0.1', 'v1.1.0', 'v2.0.0', 'v2.1.0', 'v3.0.0-rc.1'])
    expect(r.of('v2.2.0').reason).toContain('newest release of major 2')
  })

  it('keeps the last N patches of each selected minor line, and N majors only', () => {
    const r = planWith(releases(), { 'keep-semver': 'minors=2, patches=2', 'delete-tags': 'v*' })
    expect(r.kept().sort()).toEqual(['1.5', 'latest', 'sha-1234567', 'v2.1.0', 'v2.1.1', 'v2.2.0'])
    expect(r.of('v2.1.0').reason).toContain('is the #2 newest release of minor line 2.1')
    const majors = planWith(releases(), { 'keep-semver': 'majors=1', 'delete-tags': 'v*' })
    expect(majors.kept().filter(n => n.startsWith('v'))).toEqual(['v2.2.0'])
  })

  it('ignores prereleases unless keep-semver-prereleases is true; then they rank below their release', () => {
    const p = releases()
    const withPre = planWith(p, {
      'keep-semver': 'majors, minors=1',
      'keep-semver-prereleases': 'true',
      'delete-tags': 'v*'
    })
    expect(withPre.of('v3.0.0-rc.1')).toMatchObject({ action: 'keep', rule: 'keep-semver' })
    // minors=1: the newest minor line is now 3.0, so 2.2 is kept only as major 2's newest.
    expect(
      withPre
        .kept()
        .filter(n => n.startsWith('v'))
        .sort()
    ).toEqual(['v1.1.1', 'v2.2.0', 'v3.0.0-rc.1'])
    expect(withPre.of('v2.2.0').reason).toContain('newest release of major 2')

    const released = releases()
    released.image('v3.0.0', { tags: ['v3.0.0'], age: 10 })
    const after = planWith(released, {
      'keep-semver': 'majors=1',
      'keep-semver-prereleases': 'true',
      'delete-tags': 'v*'
    })
    expect(after.kept().filter(n => n.startsWith('v'))).toEqual(['v3.0.0'])
  })

  it('is a keep rule: alone it deletes nothing, and it protects an index with its children', () => {
    const p = new PackageBuilder()
    p.image('amd')
    p.index('v1.0.0', [{ name: 'amd', platform: 'linux/amd64' }], { tags: ['v1.0.0'], age: 90 })
    p.image('v0.9.0', { tags: ['v0.9.0'], age: 100 })
    const alone = planWith(p, { 'keep-semver': 'majors=1' })
    expect(alone.deleted()).toEqual([])
    expect(alone.of('v1.0.0').rule).toBe('keep-semver')
    const r = planWith(p, { 'keep-semver': 'majors=1', 'older-than': '30d' })
    expect(r.deleted()).toEqual(['v0.9.0'])
    expect(r.of('amd').reason).toBe('kept: child (linux/amd64) of kept tag v1.0.0')
  })

  it('selects by the releases in the package, so a pinned newer patch does not promote an older one', () => {
    const p = new PackageBuilder()
    tagged(p, [
      ['v2.0.0', 60],
      ['v2.0.1', 50],
      ['v1.0.0', 40]
    ])
    const r = planWith(
      p,
      { 'keep-semver': 'majors=1', 'older-than': '30d' },
      { pinnedDigests: [p.versions[1].digest] }
    )
    expect(r.of('v2.0.1').rule).toBe('pinned')
    expect(r.of('v2.0.0').action).toBe('delete')
  })

  it('says so when it finds no release in the package', () => {
    const p = new PackageBuilder()
    tagged(p, [
      ['v1', 10],
      ['2.0.0-rc.1', 5]
    ])
    expect(planWith(p, { 'keep-semver': 'majors' }).plan.warnings).toEqual([
      {
        kind: 'rule-matched-nothing',
        message:
          "keep-semver 'majors' finds no release among the 2 tags of app (it reads `1.2.3` or `v1.2.3`; prereleases only with keep-semver-prereleases)."
      }
    ])
    const pre = planWith(p, { 'keep-semver': 'majors', 'keep-semver-prereleases': 'true' })
    expect(pre.plan.warnings).toEqual([])
    expect(pre.of('2.0.0-rc.1').rule).toBe('keep-semver')
  })

  it('reads only strict versions, with an optional v: no coercion of `v1`, `1.2` or `sha-1234567`', () => {
    expect(tagVersion('v1.2.3')?.version).toBe('1.2.3')
    expect(tagVersion('1.2.3-rc.1')?.prerelease).toEqual(['rc', 1])
    for (const tag of ['v1', '1.2', 'sha-1234567', 'V1.2.3', '01.2.3', 'latest', 'v1.2.3.4']) {
      expect([tag, tagVersion(tag)]).toEqual([tag, null])
    }
    // Both spellings of a selected version are selected.
    const chosen = selectSemverTags(compilePolicy({ 'keep-semver': 'majors' }).keepSemver!, [
      '1.2.3',
      'v1.2.3',
      'v1.2.2'
    ])
    expect([...chosen.keys()]).toEqual(['1.2.3', 'v1.2.3'])
  })
})

describe('group-by', () => {
  function prs(): PackageBuilder {
    const p = new PackageBuilder()
    tagged(p, [
      ['nightly', 40],
      ['main', 30],
      ['pr-50-aaa1111', 20],
      ['pr-5-abc1234', 10],
      ['pr-5-def5678', 5],
      ['pr-50-bbb2222', 3],
      ['pr-50-ccc3333', 1]
    ])
    return p
  }

  it('counts keep-n-tagged per group: pr-5 and pr-50 are separate groups', () => {
    const r = planWith(prs(), { 'group-by': '^pr-(\\d+)-', 'keep-n-tagged': '1' })
    expect(r.kept().sort()).toEqual(['main', 'pr-5-def5678', 'pr-50-ccc3333'])
    expect(r.of('pr-5-def5678').reason).toBe(
      "kept: tag pr-5-def5678: #1 of the 1 newest candidates in group-by group '5' (keep-n-tagged)"
    )
    expect(r.of('pr-50-bbb2222').reason).toBe(
      "deleted: tag pr-50-bbb2222 not among the 1 newest candidates in group-by group '50' (keep-n-tagged)"
    )
    // Candidates the regex does not match are counted together, as one group.
    expect(r.of('main').reason).toBe(
      'kept: tag main: #1 of the 1 newest candidates in no group-by group (keep-n-tagged)'
    )
    expect(r.of('nightly').action).toBe('delete')
    // Without group-by the same limit keeps one candidate in all.
    expect(planWith(prs(), { 'keep-n-tagged': '1' }).kept()).toEqual(['pr-50-ccc3333'])
  })

  it('says so when the regex groups no candidate', () => {
    const r = planWith(prs(), { 'group-by': '^release-(\\d+)', 'keep-n-tagged': '1' })
    expect(r.plan.warnings).toContainEqual({
      kind: 'rule-matched-nothing',
      message:
        "group-by '^release-(\\d+)' matches none of the 7 candidates of app, so keep-n-tagged counts them as one group."
    })
    expect(planWith(prs(), { 'group-by': '^pr-(\\d+)-', 'keep-n-tagged': '1' }).plan.warnings).toEqual([])
  })

  it('older-than still has to agree, per candidate', () => {
    const r = planWith(prs(), { 'group-by': '^pr-(\\d+)-', 'keep-n-tagged': '1', 'older-than': '4d' })
    expect(r.of('pr-50-bbb2222')).toMatchObject({ action: 'keep', rule: 'older-than' })
    expect(r.deleted().sort()).toEqual(['nightly', 'pr-5-abc1234', 'pr-50-aaa1111'])
  })

  it('groups by a suffix pattern; a version whose tags fall in two groups keeps its best place', () => {
    const p = new PackageBuilder()
    tagged(p, [
      ['main-aaaaaaa', 30],
      ['main-bbbbbbb', 20],
      ['feat-x-ccccccc', 25]
    ])
    p.image('both', { tags: ['feat-x-ddddddd', 'main-eeeeeee'], age: 10 })
    p.image('main-fffffff', { tags: ['main-fffffff'], age: 5 })
    const r = planWith(p, { 'group-by': '/^(.+)-[0-9a-f]{7}$/', 'keep-n-tagged': '1' })
    // `both` is only #2 in group main, but #1 in group feat-x: keep wins.
    expect(r.kept()).toEqual(['both', 'main-fffffff'])
    expect(r.of('both').reason).toContain("#1 of the 1 newest candidates in group-by group 'feat-x'")
    expect(r.of('main-bbbbbbb').reason).toContain("in group-by group 'main'")
  })
})

describe('inputs', () => {
  it('reads keep-semver in either spelling', () => {
    expect(compilePolicy({ 'keep-semver': 'majors, minors=3, patches=1' }).keepSemver).toEqual({
      source: 'majors, minors=3, patches=1',
      majors: 'all',
      minors: 3,
      patches: 1,
      prereleases: false
    })
    expect(
      compilePolicy({ 'keep-semver': 'major:2 minor:all', 'keep-semver-prereleases': 'true' }).keepSemver
    ).toEqual({ source: 'major:2 minor:all', majors: 2, minors: 'all', patches: 1, prereleases: true })
    expect(compilePolicy({ 'delete-dangling': 'true' }).deleteDangling).toBe(true)
    expect(compilePolicy({}).deleteDangling).toBe(false)
  })

  it.each<[string, RawPolicyInputs, RegExp]>([
    ['keep-semver', { 'keep-semver': 'majors=0' }, /a limit is 1 or more, or `all`/],
    ['keep-semver', { 'keep-semver': 'latest=3' }, /'latest=3' is not a limit/],
    ['keep-semver', { 'keep-semver': 'patches=2' }, /Give `majors` or `minors`/],
    ['keep-semver', { 'keep-semver': 'majors, major=2' }, /'majors' is given twice/],
    ['keep-semver-prereleases', { 'keep-semver-prereleases': 'yes' }, /`true` or `false`/],
    ['group-by', { 'group-by': '^pr-\\d+-', 'keep-n-tagged': '1' }, /no capture group/],
    ['group-by', { 'group-by': '^pr-(\\d+', 'keep-n-tagged': '1' }, /Not a valid regular expression/],
    ['group-by', { 'group-by': '/^pr-(\\d+)/g', 'keep-n-tagged': '1' }, /Unsupported regex flags 'g'/],
    ['group-by', { 'group-by': '^pr-(\\d+)-' }, /keep-n-tagged is not set/],
    ['delete-dangling', { 'delete-dangling': 'yes' }, /`true` or `false`/]
  ])('refuses a bad %s, naming it', (input, raw, message) => {
    let error: unknown
    try {
      compilePolicy(raw)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PolicyError)
    expect((error as PolicyError).input).toBe(input)
    expect((error as PolicyError).message).toContain(`Invalid input '${input}'`)
    expect((error as PolicyError).message).toMatch(message)
  })
})
