/**
 * The examples of the public threads this project grew from (shared/seeds, shared/research), as plans.
 */
import { describe, expect, it } from '@jest/globals'
import { PackageBuilder, hex } from './packageBuilder.js'
import { planWith } from './scenarioHelpers.js'

/** A buildx multi-platform push: two platform images, two provenance attestations, one index. */
function multiArch(p: PackageBuilder, name: string, opts: { tags?: string[]; age?: number } = {}): void {
  p.image(`${name}/amd64`, { age: opts.age })
  p.image(`${name}/arm64`, { age: opts.age })
  p.image(`${name}/att-amd64`, { age: opts.age })
  p.image(`${name}/att-arm64`, { age: opts.age })
  p.index(
    name,
    [
      { name: `${name}/arm64`, platform: 'linux/arm64' },
      { name: `${name}/att-arm64`, attests: `${name}/arm64` },
      { name: `${name}/amd64`, platform: 'linux/amd64' },
      { name: `${name}/att-amd64`, attests: `${name}/amd64` }
    ],
    { tags: opts.tags ?? [name], age: opts.age }
  )
}

describe('snok/container-retention-policy #90: multi-platform images and the annotated log', () => {
  // The package of the thread: test-N images with several tags each, v3.0.0 a buildx index, old untagged orphans.
  function package90(): PackageBuilder {
    const p = new PackageBuilder()
    for (let n = 1; n <= 5; n++) {
      p.image(`test-${n}`, {
        tags: [`test-${n}`, `test-${n}-1`, `test-${n}-2`, `test-${n}-3`],
        age: 2,
        docker: true
      })
    }
    multiArch(p, 'v3.0.0', { age: 40 })
    for (let k = 0; k < 3; k++) p.image(`orphan-${k}`, { age: 30, docker: true })
    return p
  }

  it('deletes the selected tags, keeps every child of the unselected multi-platform tag', () => {
    const r = planWith(package90(), { 'delete-tags': 'test*' })
    expect(r.deleted().sort()).toEqual(
      ['test-1', 'test-2', 'test-3', 'test-4', 'test-5', 'orphan-0', 'orphan-1', 'orphan-2'].sort()
    )
    expect(r.of('v3.0.0')).toMatchObject({
      action: 'keep',
      rule: 'delete-tags',
      reason: 'kept: tag v3.0.0 does not match delete-tags',
      role: 'tagged-root',
      mediaType: 'oci-index'
    })
  })

  it('says which tag and platform each untagged child serves (associated_tag, platform, media_type)', () => {
    const r = planWith(package90(), { 'delete-tags': 'test*' })
    expect(r.of('v3.0.0/arm64')).toMatchObject({
      action: 'keep',
      rule: 'closure',
      role: 'platform-image',
      mediaType: 'oci-manifest',
      platform: 'linux/arm64',
      associatedTags: ['v3.0.0'],
      tags: [],
      reason: 'kept: child (linux/arm64) of kept tag v3.0.0'
    })
    expect(r.of('v3.0.0/att-amd64')).toMatchObject({
      action: 'keep',
      role: 'attestation',
      platform: 'unknown/unknown',
      associatedTags: ['v3.0.0'],
      reason: 'kept: attestation of linux/amd64 image of kept tag v3.0.0'
    })
    expect(r.of('v3.0.0/att-amd64').parent).toBe(r.of('v3.0.0').digest)
  })

  it('names a truly orphaned version as such instead of a bare <untagged>', () => {
    const d = planWith(package90(), { 'delete-tags': 'test*' }).of('orphan-0')
    expect(d).toMatchObject({
      action: 'delete',
      rule: 'delete-untagged',
      role: 'orphan',
      mediaType: 'docker-manifest-v2',
      associatedTags: []
    })
    expect(d.reason).toBe(
      'deleted: untagged orphan: no tag, no index lists it and it describes nothing in the package; 30d old (untagged-grace 7d)'
    )
    expect(d.platform).toBeUndefined()
  })

  it('deletes a whole multi-platform collection only when its tag is selected (rcdailey)', () => {
    const p = new PackageBuilder()
    p.image('shared/amd64')
    p.image('keep/arm64')
    p.image('test/arm64')
    p.index(
      'keep-me',
      [
        { name: 'shared/amd64', platform: 'linux/amd64' },
        { name: 'keep/arm64', platform: 'linux/arm64' }
      ],
      { tags: ['keep-me'] }
    )
    p.index(
      'test-x',
      [
        { name: 'shared/amd64', platform: 'linux/amd64' },
        { name: 'test/arm64', platform: 'linux/arm64' }
      ],
      { tags: ['test-x'] }
    )
    const r = planWith(p, { 'delete-tags': 'test-*' })
    expect(r.deleted()).toEqual(['test-x', 'test/arm64'])
    expect(r.of('shared/amd64')).toMatchObject({
      action: 'keep',
      associatedTags: ['keep-me', 'test-x'],
      reason: 'kept: child (linux/amd64) of kept tag keep-me'
    })
  })
})

describe('snok #97 / #95 / #63: untagged platform and provenance manifests of a tag', () => {
  it('never deletes them with the default (untagged-only) configuration', () => {
    const p = new PackageBuilder()
    multiArch(p, 'latest', { age: 60 })
    p.image('leftover', { age: 60 })
    const r = planWith(p)
    expect(r.deleted()).toEqual(['leftover'])
    for (const child of ['latest/amd64', 'latest/arm64', 'latest/att-amd64', 'latest/att-arm64']) {
      expect(r.of(child).action).toBe('keep')
    }
    expect(r.of('latest').rule).toBe('no-tag-rule')
  })
})

describe('dataaxiom/ghcr-cleanup-action #36 / #121: indexes sharing a platform image', () => {
  it('deletes the shared child once, after both of its deleted parents', () => {
    const p = new PackageBuilder()
    p.image('child')
    p.index('pr-1', [{ name: 'child', platform: 'linux/amd64' }], { tags: ['pr-1'] })
    p.index('pr-2', [{ name: 'child', platform: 'linux/amd64' }], { tags: ['pr-2'] })
    p.image('latest', { tags: ['latest'] })
    const r = planWith(p, { 'delete-tags': 'pr-*' })
    expect(r.deleted()).toEqual(['pr-1', 'pr-2', 'child'])
    expect(r.of('child').associatedTags).toEqual(['pr-1', 'pr-2'])
  })
})

describe('dataaxiom #101: a multi-tagged version is never deleted for one of its tags', () => {
  function multiTagged(): PackageBuilder {
    const p = new PackageBuilder()
    p.image('release', { tags: ['v1.0', 'pr-5'], age: 40 })
    p.image('pr-6', { tags: ['pr-6'], age: 40 })
    p.image('pr-7', { tags: ['pr-7'], age: 1 })
    return p
  }
  it('keeps the version; without untag its pr tag stays too', () => {
    const r = planWith(multiTagged(), { 'delete-tags': 'pr-*' })
    expect(r.of('release')).toMatchObject({
      action: 'keep',
      reason: 'kept: tag v1.0 does not match delete-tags'
    })
    expect(r.of('release').untagTags).toBeUndefined()
    expect(r.deleted()).toEqual(['pr-6', 'pr-7'])
  })
  it('with untag removes only the deletable tag, and only when the limits agree', () => {
    const r = planWith(multiTagged(), { 'delete-tags': 'pr-*', 'older-than': '30d', untag: 'true' })
    expect(r.of('release')).toMatchObject({ action: 'keep', untagTags: ['pr-5'] })
    expect(r.of('release').reason).toBe(
      "kept: tag v1.0 does not match delete-tags; tag pr-5 matches delete-tags 'pr-*', 40d old (older-than 30d), so it is removed (untag)"
    )
    expect(r.deleted()).toEqual(['pr-6'])
    expect(r.of('pr-7').rule).toBe('older-than')
    const young = planWith(multiTagged(), { 'delete-tags': 'pr-*', 'older-than': '60d', untag: 'true' })
    expect(young.of('release').untagTags).toBeUndefined()
  })
})

describe('quay/quay #6650 and aws/containers-roadmap #2613: signatures do not use keep-N slots', () => {
  it('keeps the N newest images, each with its signature, and deletes older ones together with theirs', () => {
    const p = new PackageBuilder()
    for (const [tag, age] of [
      ['a', 30],
      ['b', 20],
      ['c', 10]
    ] as const) {
      p.image(tag, { tags: [tag], age })
      p.cosign(`${tag}.sig`, tag, 'sig', { age: 1 })
    }
    const r = planWith(p, { 'keep-n-tagged': '2' })
    expect(r.deleted()).toEqual(['a.sig', 'a'])
    expect(r.of('b.sig')).toMatchObject({
      action: 'keep',
      role: 'signature',
      reason: 'kept: cosign signature of kept tag b'
    })
    expect(r.of('c').reason).toBe('kept: tag c: #1 of the 2 newest candidates (keep-n-tagged)')
    expect(r.of('a.sig').tags).toEqual([`sha256-${hex('a')}.sig`])
  })
})

describe('ECR cannot say "keep 10 but delete older than 30 days" (gist xiaket)', () => {
  it('keeps the newest N and anything younger than older-than; deletes only when both agree', () => {
    const p = new PackageBuilder()
    const ages = [1, 5, 20, 35, 50, 70]
    ages.forEach(age => p.image(`img-${age}`, { tags: [`img-${age}`], age }))
    const r = planWith(p, { 'keep-n-tagged': '2', 'older-than': '30d' })
    expect(r.deleted()).toEqual(['img-35', 'img-50', 'img-70'])
    expect(r.of('img-1').rule).toBe('keep-n-tagged')
    expect(r.of('img-20')).toMatchObject({
      rule: 'older-than',
      reason: 'kept: tag img-20: 20d old, not older than older-than 30d'
    })
    expect(r.of('img-50').reason).toBe(
      'deleted: tag img-50 50d old (older-than 30d), not among the 2 newest candidates (keep-n-tagged)'
    )
  })
})

describe('synthorg #2398: attestation and SBOM manifests left over from indexes deleted earlier', () => {
  it('are untagged orphans once no index lists them, so delete-untagged removes them; one naming its subject goes with delete-dangling', () => {
    const p = new PackageBuilder()
    p.image('old-att', { age: 20 })
    p.image('old-sbom', { age: 20, subject: 'gone-image', artifactType: 'application/spdx+json' })
    const r = planWith(p)
    expect(r.of('old-att')).toMatchObject({ action: 'delete', role: 'orphan', rule: 'delete-untagged' })
    expect(r.of('old-sbom')).toMatchObject({ action: 'keep', role: 'sbom', rule: 'delete-dangling' })
    const opted = planWith(p, { 'delete-dangling': 'true' })
    expect(opted.of('old-sbom')).toMatchObject({ action: 'delete', role: 'sbom', rule: 'dangling-referrer' })
  })
})
