/** Issue 10: pull request and branch aware rules, time buckets, build caches, no-op warnings. */
import { describe, expect, it } from '@jest/globals'
import { BUILDKIT_CACHE_CONFIG } from '../../src/planner/BuildCache.js'
import { compilePolicy, type RawPolicyInputs } from '../../src/planner/compilePolicy.js'
import { plan } from '../../src/planner/planner.js'
import { PolicyError } from '../../src/planner/PolicyError.js'
import { compileBranchTag, compilePrTag, sanitizeBranch } from '../../src/planner/RefTemplates.js'
import type { PullRequestState, RepoState } from '../../src/planner/RepoState.js'
import { DAY, NOW, PackageBuilder, dg } from './packageBuilder.js'

function run(p: PackageBuilder, inputs: RawPolicyInputs, repoState?: RepoState) {
  const result = plan({ ...p.input(), ...(repoState ? { repoState } : {}) }, compilePolicy(inputs))
  const of = (name: string) => result.decisions.find(d => d.digest === dg(name))!
  const deleted = () =>
    p.names().filter(n => result.decisions.find(d => d.digest === dg(n))?.action === 'delete')
  return { result, of, deleted }
}

const closed = (daysAgo: number, merged = true): PullRequestState => ({
  state: 'closed',
  merged,
  closedAt: NOW - daysAgo * DAY
})
const open: PullRequestState = { state: 'open', merged: false }

describe('pr-tag templates', () => {
  it('{number} is a whole number: pr-50 is pull request 50, never 5', () => {
    const t = compilePrTag('pr-{number}')
    expect(t.numberOf('pr-5')).toBe(5)
    expect(t.numberOf('pr-50')).toBe(50)
    expect(t.numberOf('pr-5-abc')).toBeUndefined()
    expect(t.numberOf('pr-05')).toBeUndefined()
    expect(t.numberOf('xpr-5')).toBeUndefined()
    const suffixed = compilePrTag('pr-{number}*')
    expect(suffixed.numberOf('pr-50')).toBe(50)
    expect(suffixed.numberOf('pr-5-sha')).toBe(5)
    expect(compilePrTag('pr-{number}-*').numberOf('pr-12-abc1234')).toBe(12)
  })

  it('rejects a template without exactly one {number}, naming the input', () => {
    expect(() => compilePolicy({ 'pr-tag': 'pr-*' })).toThrow(PolicyError)
    expect(() => compilePolicy({ 'pr-tag': 'pr-{number}-{number}' })).toThrow(/pr-tag/)
  })
})

describe('pull request rules', () => {
  function pkg(): PackageBuilder {
    const p = new PackageBuilder()
    p.image('pr-5', { tags: ['pr-5'], age: 10 })
    p.image('pr-50', { tags: ['pr-50'], age: 10 })
    p.image('pr-7', { tags: ['pr-7'], age: 10 })
    p.image('pr-8', { tags: ['pr-8'], age: 10 })
    p.image('main', { tags: ['main'], age: 1 })
    return p
  }
  const state: RepoState = {
    repository: 'acme/app',
    pullRequests: new Map([
      [5, closed(3)],
      [50, open],
      [7, closed(0.5, false)]
    ])
  }

  it('a sweep deletes closed pull requests past pr-grace, keeps open and unknown ones', () => {
    const r = run(pkg(), { 'pr-tag': 'pr-{number}', 'pr-grace': '1d' }, state)
    expect(r.deleted()).toEqual(['pr-5'])
    expect(r.of('pr-5')).toMatchObject({ rule: 'pr-closed' })
    expect(r.of('pr-5').reason).toBe('deleted: tag pr-5: pull request #5 was merged 3d ago (pr-grace 1d)')
    expect(r.of('pr-50')).toMatchObject({ action: 'keep', rule: 'pr-open' })
    expect(r.of('pr-7')).toMatchObject({ action: 'keep', rule: 'pr-grace' })
    expect(r.of('pr-8')).toMatchObject({ action: 'keep', rule: 'pr-unknown' })
    expect(r.of('main')).toMatchObject({ action: 'keep', rule: 'no-tag-rule' })
  })

  it('without pull request states every PR tag is kept, with the reason', () => {
    const r = run(pkg(), { 'pr-tag': 'pr-{number}' })
    expect(r.deleted()).toEqual([])
    expect(r.of('pr-5').reason).toBe(
      'kept: tag pr-5: the state of pull request #5 is unknown (pull requests were not looked up)'
    )
  })

  it('on the closed event only that pull request goes: pr-5 and not pr-50, nothing else', () => {
    const p = pkg()
    p.image('orphan', { age: 30 })
    p.image('pr-5-shared', { tags: ['pr-5', 'v1'], age: 2 })
    const r = run(
      p,
      { 'pr-tag': 'pr-{number}', 'delete-tags': 'v*', 'older-than': '1d' },
      { repository: 'acme/app', closedPullRequest: 5 }
    )
    expect(r.deleted()).toEqual(['pr-5'])
    expect(r.of('pr-50')).toMatchObject({ action: 'keep', rule: 'pr-event' })
    // Its own rule would have deleted the orphan; the event run does not.
    expect(r.of('orphan')).toMatchObject({ action: 'keep', rule: 'pr-event' })
    expect(r.of('orphan').reason).toContain('its own rule said')
    // A version that also carries another tag is left to that tag: v1 is selected, but not by this event.
    expect(r.of('pr-5-shared').action).toBe('keep')
  })

  it('the closed PR goes with its signature and attestations (the whole collection)', () => {
    const p = new PackageBuilder()
    p.image('amd64', { age: 3 })
    p.image('att', { age: 3 })
    p.index('pr-12', ['amd64', { name: 'att', attests: 'amd64' }], { tags: ['pr-12'], age: 3 })
    p.cosign('sig', 'pr-12', 'sig', { age: 3 })
    p.image('main', { tags: ['main'], age: 1 })
    const r = run(p, { 'pr-tag': 'pr-{number}' }, { repository: 'acme/app', closedPullRequest: 12 })
    expect(r.deleted().sort()).toEqual(['amd64', 'att', 'pr-12', 'sig'])
  })

  it('warns when the pattern finds no PR tag; notes (never a no-op) that the event PR has no tag', () => {
    const p = pkg()
    const none = run(p, { 'pr-tag': 'pull-{number}' })
    expect(none.result.warnings.map(w => w.message)).toContain(
      "pr-tag 'pull-{number}' finds no pull request tag among the 5 tags of app."
    )
    const event = run(p, { 'pr-tag': 'pr-{number}' }, { repository: 'acme/app', closedPullRequest: 99 })
    expect(event.deleted()).toEqual([])
    expect(event.result.warnings).toEqual([
      {
        kind: 'pr-event-found-nothing',
        message:
          "pr-tag 'pr-{number}' finds no tag of closed pull request #99 among the 5 tags of app: it built no " +
          'image here, or an earlier run already deleted them.'
      }
    ])
    // Two templates, one pull request: one warning naming both.
    const two = run(
      p,
      { 'pr-tag': 'pr-{number}, pr-{number}-*' },
      { repository: 'acme/app', closedPullRequest: 99 }
    )
    // On the event, a template that matches no tag at all is the sweep's finding, not this run's.
    expect(two.result.warnings.map(w => w.message)).toEqual([
      "pr-tag 'pr-{number}', 'pr-{number}-*' finds no tag of closed pull request #99 among the 5 tags of app: " +
        'it built no image here, or an earlier run already deleted them.'
    ])
  })
})

describe('branch rules', () => {
  it('sanitises branch names as docker/metadata-action does', () => {
    expect(sanitizeBranch('feature/login')).toBe('feature-login')
    expect(sanitizeBranch('fix/#12 @ui')).toBe('fix-12-ui')
    expect(sanitizeBranch('Release_1.2')).toBe('Release_1.2')
    // A bare {branch} never reads a release tag as a branch.
    const bare = compileBranchTag('{branch}')
    expect(['latest', 'v1.2.3', '1.2', '2.0.0-rc.1'].map(t => bare.branchesOf(t))).toEqual([[], [], [], []])
    expect(bare.branchesOf('feature-login')).toEqual(['feature-login'])
    expect(compileBranchTag('{branch}-*').branchesOf('feature-login-abc')).toEqual(
      expect.arrayContaining(['feature', 'feature-login'])
    )
  })

  it('deletes tags of deleted branches; a branch with / in its name keeps its tag', () => {
    const p = new PackageBuilder()
    p.image('login', { tags: ['branch-feature-login'], age: 5 })
    p.image('gone', { tags: ['branch-old-thing'], age: 5 })
    p.image('main', { tags: ['branch-main'], age: 1 })
    p.image('release', { tags: ['v1.0'], age: 50 })
    const state: RepoState = { repository: 'acme/app', branches: new Set(['main', 'feature/login']) }
    const r = run(p, { 'branch-tag': 'branch-{branch}' }, state)
    expect(r.deleted()).toEqual(['gone'])
    expect(r.of('gone').reason).toBe(
      "deleted: tag branch-old-thing (branch-tag 'branch-{branch}'): branch old-thing no longer exists in acme/app"
    )
    expect(r.of('login')).toMatchObject({ action: 'keep', rule: 'branch-exists' })
    expect(r.of('login').reason).toBe(
      'kept: tag branch-feature-login: branch feature-login exists in acme/app'
    )
    expect(r.of('release')).toMatchObject({ action: 'keep', rule: 'no-tag-rule' })
    // Unknown branch list: kept.
    expect(run(p, { 'branch-tag': 'branch-{branch}' }).deleted()).toEqual([])
  })

  it('keep-tags wins over branch-gone', () => {
    const p = new PackageBuilder()
    p.image('gone', { tags: ['branch-old'], age: 5 })
    p.image('main', { tags: ['branch-main'], age: 1 })
    const r = run(
      p,
      { 'branch-tag': 'branch-{branch}', 'keep-tags': 'branch-old' },
      { repository: 'acme/app', branches: new Set(['main']) }
    )
    expect(r.deleted()).toEqual([])
  })
})

describe('build caches', () => {
  it('are recognised by tag or BuildKit cache shape, shown as build-cache, kept unless keep-n-build-cache', () => {
    const p = new PackageBuilder()
    p.image('c1', { tags: ['buildcache'], age: 3 })
    p.image('c2', { tags: ['cache-pr-12'], age: 2 })
    p.index(
      'c3',
      [
        { name: 'layer-blob', mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
        { name: 'cfg', mediaType: BUILDKIT_CACHE_CONFIG }
      ],
      { tags: ['weird'], age: 1 }
    )
    p.image('v1', { tags: ['v1'], age: 10 })
    const kept = run(p, { 'keep-n-tagged': '0' })
    expect(['c1', 'c2', 'c3'].map(n => kept.of(n).role)).toEqual([
      'build-cache',
      'build-cache',
      'build-cache'
    ])
    expect(kept.of('c3')).toMatchObject({ action: 'keep', rule: 'build-cache' })
    // Its blobs are not package versions: no ghost-index warning for a cache index.
    expect(kept.result.warnings.filter(w => w.digest === dg('c3'))).toEqual([])
    // keep-n-tagged 0 deletes v1 but no build cache: they never take a keep-n-tagged slot.
    expect(kept.deleted()).toEqual(['v1'])
    const pruned = run(p, { 'keep-n-build-cache': '1' })
    expect(pruned.deleted()).toEqual(['c1', 'c2'])
    expect(pruned.of('c3')).toMatchObject({ action: 'keep', rule: 'keep-n-build-cache' })
  })
})
