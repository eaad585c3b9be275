/** One readable scenario per policy rule and per safety rule of the planner. */
import { describe, expect, it } from '@jest/globals'
import { MediaTypes } from '../../src/model/MediaType.js'
import { plan } from '../../src/planner/planner.js'
import { DEFAULT_POLICY } from '../../src/planner/Policy.js'
import { DAY, NOW, PackageBuilder, dg, hex } from './packageBuilder.js'
import { planWith } from './scenarioHelpers.js'

function tagged(p: PackageBuilder, specs: readonly (readonly [string, number])[]): void {
  for (const [tag, age] of specs) p.image(tag, { tags: [tag], age })
}

describe('tag rules', () => {
  it('a bare configuration never deletes a tagged image', () => {
    const p = new PackageBuilder()
    tagged(p, [
      ['old', 400],
      ['new', 1]
    ])
    const r = planWith(p)
    expect(r.deleted()).toEqual([])
    expect(r.of('old').reason).toBe(
      'kept: tag old: no rule selects tagged versions (set delete-tags, keep-n-tagged or older-than)'
    )
  })

  it('with only delete-tags, every matching tagged root goes at once', () => {
    const p = new PackageBuilder()
    tagged(p, [
      ['pr-1', 1],
      ['pr-2', 0],
      ['main', 5]
    ])
    const r = planWith(p, { 'delete-tags': 'pr-*' })
    expect(r.deleted()).toEqual(['pr-1', 'pr-2'])
    expect(r.of('pr-2').reason).toBe("deleted: tag pr-2 matches delete-tags 'pr-*'")
    expect(r.of('main').reason).toBe('kept: tag main does not match delete-tags')
  })

  it('keep wins when keep-tags and delete-tags both match a tag', () => {
    const p = new PackageBuilder()
    tagged(p, [
      ['v1-rc', 50],
      ['v2-rc', 50],
      ['main', 1]
    ])
    const r = planWith(p, { 'keep-tags': '/v1-.*/', 'delete-tags': '*-rc' })
    expect(r.deleted()).toEqual(['v2-rc'])
    expect(r.of('v1-rc')).toMatchObject({
      rule: 'keep-tags',
      reason: "kept: tag v1-rc matches keep-tags '/v1-.*/'"
    })
  })

  it('a regex must match the whole tag', () => {
    const p = new PackageBuilder()
    tagged(p, [
      ['v1', 50],
      ['v10', 50],
      ['main', 1]
    ])
    expect(planWith(p, { 'delete-tags': '/v1/' }).deleted()).toEqual(['v1'])
  })

  it('keep-n-tagged keeps the newest N candidates by updated time, ties by id', () => {
    const p = new PackageBuilder()
    p.image('a', { tags: ['a'], age: 90, updated: 1 }) // re-tagged yesterday: "updated" moved
    p.image('b', { tags: ['b'], age: 10 })
    p.image('c', { tags: ['c'], age: 10 })
    const byUpdated = planWith(p, { 'keep-n-tagged': '2' })
    expect(byUpdated.deleted()).toEqual(['b'])
    const byCreated = planWith(p, { 'keep-n-tagged': '2', 'age-by': 'created' })
    expect(byCreated.deleted()).toEqual(['a'])
    expect(byCreated.of('a').time).toBe(NOW - 90 * DAY)
  })

  it('keep-n-tagged counts only candidates: versions kept by keep-tags do not use a slot', () => {
    const p = new PackageBuilder()
    tagged(p, [
      ['v1', 1],
      ['pr-1', 30],
      ['pr-2', 20],
      ['pr-3', 10]
    ])
    const r = planWith(p, { 'keep-tags': 'v*', 'delete-tags': 'pr-*', 'keep-n-tagged': '1' })
    expect(r.deleted()).toEqual(['pr-1', 'pr-2'])
    expect(r.of('pr-3').rule).toBe('keep-n-tagged')
  })

  it('older-than applies to tagged roots only, never to untagged orphans', () => {
    const p = new PackageBuilder()
    tagged(p, [
      ['old', 40],
      ['young', 3]
    ])
    p.image('orphan-young', { age: 3 })
    p.image('orphan-old', { age: 40 })
    const r = planWith(p, { 'older-than': '30d', 'untagged-grace': '1d' })
    expect(r.deleted().sort()).toEqual(['old', 'orphan-old', 'orphan-young'])
    expect(r.of('young').reason).toBe('kept: tag young: 3d old, not older than older-than 30d')
  })

  it('a keep-tags or delete-tags pattern that matches nothing is reported', () => {
    const p = new PackageBuilder()
    tagged(p, [['main', 1]])
    const r = planWith(p, { 'keep-tags': 'relase-*', 'delete-tags': 'main' })
    expect(r.plan.warnings).toContainEqual({
      kind: 'rule-matched-nothing',
      message: "keep-tags pattern 'relase-*' matches none of the 1 tags of app."
    })
    expect(r.plan.warnings.filter(w => w.kind === 'rule-matched-nothing')).toHaveLength(1)
    const untaggedOnly = new PackageBuilder()
    untaggedOnly.image('orphan')
    expect(planWith(untaggedOnly, { 'keep-tags': 'v*' }).plan.warnings).toEqual([])
  })
})

describe('untagged rules', () => {
  function orphans(): PackageBuilder {
    const p = new PackageBuilder()
    p.image('keep', { tags: ['keep'] })
    for (const age of [1, 10, 20, 30]) p.image(`o${age}`, { age })
    return p
  }
  it('deletes orphans past untagged-grace (default 7d)', () => {
    const r = planWith(orphans())
    expect(r.deleted()).toEqual(['o10', 'o20', 'o30'])
    expect(r.of('o1').reason).toBe('kept: untagged orphan, 1d old, within untagged-grace 7d')
  })
  it('keep-n-untagged keeps the newest N orphans', () => {
    const r = planWith(orphans(), { 'keep-n-untagged': '2' })
    expect(r.deleted()).toEqual(['o20', 'o30'])
    expect(r.of('o10').reason).toBe('kept: untagged orphan, #2 of the 2 newest (keep-n-untagged)')
  })
  it('delete-untagged: false keeps them all', () => {
    const r = planWith(orphans(), { 'delete-untagged': 'false' })
    expect(r.deleted()).toEqual([])
    expect(r.of('o30').rule).toBe('delete-untagged')
  })
  it('an untagged index takes its children with it; they are not orphans of their own', () => {
    const p = orphans()
    p.image('c1', { age: 30 })
    p.image('c2', { age: 30 })
    p.index('loose-index', [{ name: 'c1', platform: 'linux/amd64' }, 'c2'], { age: 30 })
    const r = planWith(p, { 'keep-n-untagged': '3' })
    // loose-index is the 4th newest orphan root (o1, o10, o20 are newer), c1/c2 never take a slot.
    expect(r.of('loose-index')).toMatchObject({ action: 'delete', role: 'orphan', mediaType: 'oci-index' })
    expect(r.of('c1')).toMatchObject({
      action: 'delete',
      role: 'platform-image',
      reason: `deleted: child (linux/amd64) of deleted untagged index sha256:${hex('loose-index').slice(0, 12)}…`
    })
    expect(r.deleted().indexOf('loose-index')).toBeLessThan(r.deleted().indexOf('c1'))
  })
})

describe('signatures, attestations, SBOMs and referrers belong to their subject', () => {
  function signed(): PackageBuilder {
    const p = new PackageBuilder()
    p.image('app', { tags: ['v1'], age: 50 })
    p.image('keep', { tags: ['latest'], age: 1 })
    p.cosign('sig', 'app', 'sig', { age: 50 })
    p.cosign('att', 'app', 'att', { age: 50 })
    p.cosign('sbom', 'app', 'sbom', { age: 50 })
    // OCI 1.1: an artifact with subject, listed by the sha256-<hex> referrers index tag.
    p.image('provenance', {
      subject: 'app',
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      age: 50
    })
    p.index(
      'referrers',
      [{ name: 'provenance', artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }],
      {
        tags: [`sha256-${hex('app')}`],
        age: 50
      }
    )
    return p
  }
  it('their tags never make them tagged roots, and they are kept with a kept subject', () => {
    const r = planWith(signed(), { 'keep-tags': 'v1', 'delete-tags': '*' })
    // '*' matches every image tag, never a sha256-<hex>[.sig|.att|.sbom] tag.
    expect(r.deleted()).toEqual(['keep'])
    expect(r.of('sig')).toMatchObject({ role: 'signature', reason: 'kept: cosign signature of kept tag v1' })
    expect(r.of('att')).toMatchObject({
      role: 'attestation',
      reason: 'kept: cosign attestation of kept tag v1'
    })
    expect(r.of('sbom')).toMatchObject({ role: 'sbom', reason: 'kept: cosign SBOM of kept tag v1' })
    expect(r.of('referrers')).toMatchObject({
      role: 'referrer',
      reason: 'kept: referrers index of kept tag v1'
    })
    expect(r.of('provenance')).toMatchObject({ role: 'attestation', mediaType: 'oci-artifact' })
    expect(r.of('provenance').associatedTags).toEqual(['v1', `sha256-${hex('app')}`])
  })
  it('they go only with their subject, after it in no case: referrers are deleted before what they describe', () => {
    const r = planWith(signed(), { 'delete-tags': 'v1' })
    const order = r.deleted()
    expect(order.sort()).toEqual(['app', 'att', 'provenance', 'referrers', 'sbom', 'sig'].sort())
    const seq = r.deleted()
    for (const ref of ['sig', 'att', 'sbom', 'provenance', 'referrers']) {
      expect(seq.indexOf(ref)).toBeLessThan(seq.indexOf('app'))
    }
    expect(seq.indexOf('referrers')).toBeLessThan(seq.indexOf('provenance'))
    // Listed by the referrers index, so never read: the index's descriptor says what it is.
    expect(r.of('provenance').reason).toBe(
      `deleted: listed attestation of deleted tag v1 (through sha256:${hex('referrers').slice(0, 12)}…)`
    )
  })
  it('a signature whose subject is gone is a dangling referrer: kept unless delete-dangling is set', () => {
    const p = new PackageBuilder()
    p.image('keep', { tags: ['latest'] })
    p.cosign('stale-sig', 'deleted-long-ago', 'sig', { age: 30 })
    p.cosign('fresh-sig', 'deleted-today', 'sig', { age: 1 })
    const byDefault = planWith(p)
    expect(byDefault.deleted()).toEqual([])
    expect(byDefault.of('stale-sig')).toMatchObject({
      action: 'keep',
      rule: 'delete-dangling',
      role: 'signature'
    })
    expect(byDefault.of('stale-sig').reason).toBe(
      `kept: signature of sha256:${hex('deleted-long-ago').slice(0, 12)}…, which is no longer in the package; set delete-dangling to remove it`
    )
    expect(byDefault.plan.warnings).toEqual([
      {
        kind: 'dangling-referrer',
        digest: dg('stale-sig'),
        message: `2 signatures, attestations or referrers describe a digest no longer in app (first: sha256:${hex('stale-sig').slice(0, 12)}…); kept, set delete-dangling to remove them.`
      }
    ])

    const r = planWith(p, { 'delete-dangling': 'true' })
    expect(r.plan.warnings).toEqual([])
    expect(r.of('stale-sig')).toMatchObject({
      action: 'delete',
      rule: 'dangling-referrer',
      role: 'signature'
    })
    expect(r.of('stale-sig').reason).toBe(
      `deleted: signature of sha256:${hex('deleted-long-ago').slice(0, 12)}…, which is no longer in the package; 30d old (untagged-grace 7d)`
    )
    expect(r.of('fresh-sig').rule).toBe('untagged-grace')
  })
})

describe('graph shapes', () => {
  it('a nested index keeps (or takes) its own children', () => {
    const p = new PackageBuilder()
    p.image('leaf')
    p.index('inner', [{ name: 'leaf', platform: 'linux/riscv64' }])
    p.index('outer', ['inner'], { tags: ['nested'] })
    p.image('latest', { tags: ['latest'] })
    const kept = planWith(p)
    expect(kept.of('leaf').reason).toBe(
      `kept: child (linux/riscv64) of kept tag nested (through sha256:${hex('inner').slice(0, 12)}…)`
    )
    const gone = planWith(p, { 'delete-tags': 'nested' })
    expect(gone.deleted()).toEqual(['outer', 'inner', 'leaf'])
    expect(gone.of('leaf').associatedTags).toEqual(['nested'])
  })

  it('reads nested indexes and unexplained untagged versions, never listed platform images', () => {
    const p = new PackageBuilder()
    p.image('leaf')
    p.index('inner', [{ name: 'leaf', platform: 'linux/amd64' }])
    p.index('outer', ['inner'], { tags: ['nested'] })
    p.image('orphan')
    p.cosign('sig', 'outer')
    const { reads } = p.read()
    expect(reads).toEqual([[dg('outer')], [dg('inner')], [dg('orphan')]])
  })

  it('a Docker manifest list and its children get stable short media type names', () => {
    const p = new PackageBuilder()
    p.image('amd', { docker: true })
    p.index('list', [{ name: 'amd', platform: 'linux/amd64' }], { tags: ['docker'], docker: true })
    const r = planWith(p)
    expect(r.of('list').mediaType).toBe('docker-manifest-list')
    expect(r.of('amd').mediaType).toBe('docker-manifest-v2')
    expect(r.of('amd').platform).toBe('linux/amd64')
  })

  it('ghost and partial indexes are reported, and deleted only on request', () => {
    const p = new PackageBuilder()
    p.image('present')
    p.index('partial', [{ name: 'present', platform: 'linux/amd64' }, 'never-pushed'], { tags: ['partial'] })
    p.index('ghost', ['gone-1', 'gone-2'], { tags: ['ghost'] })
    p.index('kept-ghost', ['gone-3'], { tags: ['v1'] })
    p.image('latest', { tags: ['latest'] })
    const r = planWith(p, { 'keep-tags': 'v1' })
    expect(r.deleted()).toEqual([])
    expect(r.of('partial').role).toBe('partial-index')
    expect(r.of('ghost').role).toBe('ghost-index')
    expect(r.plan.warnings.map(w => w.kind).sort()).toEqual(['ghost-index', 'ghost-index', 'partial-index'])
    expect(r.plan.warnings.find(w => w.digest === dg('ghost'))!.message).toContain(
      'set delete-ghost-indexes to remove it'
    )

    const flagged = planWith(p, {
      'keep-tags': 'v1',
      'delete-ghost-indexes': 'true',
      'delete-partial-indexes': 'true'
    })
    expect(flagged.deleted()).toEqual(['partial', 'ghost', 'present'])
    expect(flagged.of('ghost').rule).toBe('delete-ghost-indexes')
    expect(flagged.of('kept-ghost')).toMatchObject({ action: 'keep', rule: 'keep-tags' })
    const digestKept = planWith(p, { 'delete-ghost-indexes': 'true' }, { keepDigests: [dg('ghost')] })
    expect(digestKept.of('ghost').rule).toBe('keep-digests')
  })

  it('a version listed twice by one index, or by itself, does not confuse the plan', () => {
    const p = new PackageBuilder()
    p.image('child')
    p.index('dup', ['child', 'child', { name: 'child', platform: 'linux/arm64' }], { tags: ['dup'] })
    p.index('self', ['self'], { tags: ['self'] })
    p.image('latest', { tags: ['latest'] })
    const r = planWith(p, { 'delete-tags': 'dup, self' })
    expect(r.deleted()).toEqual(['dup', 'child'])
    expect(r.of('self')).toMatchObject({ action: 'keep', rule: 'cycle' })
    expect(r.plan.warnings).toContainEqual(expect.objectContaining({ kind: 'cycle', digest: dg('self') }))
  })

  it('two versions that own only each other are kept (no tag or orphan decides them)', () => {
    const p = new PackageBuilder()
    p.image('latest', { tags: ['latest'] })
    // An index whose subject is its own child: each owns the other, nothing else owns either.
    p.image('child', { age: 30 })
    p.index('loop', ['child'], { age: 30, subject: 'child' })
    const r = planWith(p)
    expect(r.of('loop')).toMatchObject({ action: 'keep', rule: 'cycle' })
    expect(r.of('child').action).toBe('keep')
  })
})

describe('explicit keeps', () => {
  it('keep-digests keeps a version with everything it owns', () => {
    const p = new PackageBuilder()
    p.image('child')
    p.index('pinned', [{ name: 'child', platform: 'linux/amd64' }], { tags: ['pr-9'] })
    p.image('latest', { tags: ['latest'] })
    const r = planWith(p, { 'delete-tags': 'pr-*' }, { keepDigests: [dg('pinned')] })
    expect(r.deleted()).toEqual([])
    expect(r.of('pinned')).toMatchObject({
      rule: 'keep-digests',
      reason: 'kept: its digest is listed in keep-digests'
    })
    expect(r.of('child').reason).toBe(
      `kept: child (linux/amd64) of kept digest sha256:${hex('pinned').slice(0, 12)}…`
    )
  })
  it('a digest pinned in the repository keeps the index that lists it', () => {
    const p = new PackageBuilder()
    p.image('amd')
    p.image('arm')
    p.index(
      'pr-9',
      [
        { name: 'amd', platform: 'linux/amd64' },
        { name: 'arm', platform: 'linux/arm64' }
      ],
      {
        tags: ['pr-9']
      }
    )
    p.image('latest', { tags: ['latest'] })
    const r = planWith(p, { 'delete-tags': 'pr-*' }, { pinnedDigests: [dg('amd')] })
    expect(r.deleted()).toEqual([])
    expect(r.of('pr-9')).toMatchObject({ rule: 'pinned' })
    expect(r.of('arm').action).toBe('keep')
  })
})

describe('unknown manifests: safety over thrift', () => {
  it('an unreadable index may list anything, so nothing in the package is deleted this run', () => {
    const p = new PackageBuilder()
    p.image('c')
    p.index('broken', [{ name: 'c', platform: 'linux/amd64' }], { tags: ['v1'] })
    p.image('orphan', { age: 30 })
    p.image('pr', { tags: ['pr-1'], age: 30 })
    p.fail('broken')
    const r = planWith(p, { 'delete-tags': 'pr-*' })
    expect(r.deleted()).toEqual([])
    expect(r.of('broken')).toMatchObject({
      role: 'unknown',
      rule: 'unknown',
      reason: 'kept: its manifest could not be read (HTTP 500 after 3 attempts)'
    })
    expect(r.of('pr')).toMatchObject({ action: 'keep', rule: 'unknown-index' })
    expect(r.of('pr').reason).toBe(
      `kept: the manifest of tag v1 (sha256:${hex('broken').slice(0, 12)}…) could not be read and may list any version of the package, so nothing in it is deleted this run`
    )
    // Not read at all (see below), so unknown itself.
    expect(r.of('orphan').rule).toBe('unknown')
    expect(r.plan.warnings).toContainEqual(
      expect.objectContaining({ kind: 'unknown-manifest', digest: dg('broken') })
    )
    // No further reads once the package is held: every registry GET counts as a download.
    expect(p.read().reads).toEqual([[dg('broken'), dg('pr')]])
  })
  it('an unreadable manifest of a non-index type (or one the registry no longer has) holds only itself', () => {
    const p = new PackageBuilder()
    p.image('keep', { tags: ['latest'] })
    p.image('weird', { tags: ['pr-1'], age: 30 })
    p.image('vanished', { age: 30 })
    p.image('orphan', { age: 30 })
    p.fail('weird', { reason: 'unsupported mediaType', mediaType: MediaTypes.ociManifest })
    p.fail('vanished', { reason: '404 MANIFEST_UNKNOWN', notFound: true })
    const r = planWith(p, { 'delete-tags': 'pr-*' })
    expect(r.deleted()).toEqual(['orphan'])
    expect(r.of('weird')).toMatchObject({ action: 'keep', rule: 'unknown' })
    expect(r.of('vanished').reason).toBe('kept: the registry has no manifest for it (404 MANIFEST_UNKNOWN)')
  })
  it('a manifest that was needed but never read is unknown too', () => {
    const p = new PackageBuilder()
    p.image('keep', { tags: ['latest'] })
    p.image('orphan', { age: 30 })
    expect(planWith(p).deleted()).toEqual(['orphan'])
    const blind = plan({ ...p.input(), manifests: new Map() }, DEFAULT_POLICY)
    expect(blind.deleteOrder).toEqual([])
    expect(blind.decisions.map(d => d.rule)).toEqual(['unknown', 'unknown'])
    expect(blind.decisions[1].reason).toBe(
      'kept: its manifest was not read this run, so what it references is unknown'
    )
  })
})
