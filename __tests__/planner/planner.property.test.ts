import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { compilePolicy } from '../../src/planner/compilePolicy.js'
import type { Plan, PlanInput } from '../../src/planner/Plan.js'
import { plan } from '../../src/planner/planner.js'
import type { Policy } from '../../src/planner/Policy.js'
import { parseReferrerTag } from '../../src/planner/ReferrerTags.js'
import { selectSemverTags } from '../../src/planner/SemverRules.js'
import { NOW } from './packageBuilder.js'
import { PATTERNS, packageArb, readFacts, type RandomPackage } from './randomPackage.js'

interface PolicyChoice {
  readonly policy: Policy
  readonly keepDigestIdx: readonly number[]
  readonly pinnedIdx: readonly number[]
}

function policyArb(maxVersions: number): fc.Arbitrary<PolicyChoice> {
  const idxs = fc.uniqueArray(fc.integer({ min: 0, max: maxVersions - 1 }), { maxLength: 2 })
  return fc
    .record({
      keep: fc.subarray(PATTERNS, { maxLength: 2 }),
      del: fc.subarray(PATTERNS, { maxLength: 3 }),
      // Each optional limit is unset half of the time (fc.option alone would set it five times in six).
      keepN: fc.option(fc.integer({ min: 0, max: 4 }), { freq: 2 }),
      olderThan: fc.option(fc.integer({ min: 0, max: 40 }), { freq: 2 }),
      ageBy: fc.constantFrom('updated', 'created'),
      deleteUntagged: fc.integer({ min: 0, max: 3 }).map(k => k > 0),
      grace: fc.integer({ min: 0, max: 20 }),
      keepNUntagged: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 2 }),
      ghost: fc.boolean(),
      partial: fc.boolean(),
      // A cap one time in four.
      maxDel: fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 30 }).map(String) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 100 }).map(p => `${p}%`) }
      ),
      untag: fc.boolean(),
      semver: fc.option(
        fc.constantFrom(
          'majors',
          'majors=1, minors=2',
          'minors=all, patches=2',
          'majors=2, minors=1, patches=all'
        ),
        { freq: 2 }
      ),
      prereleases: fc.boolean(),
      // Only with keep-n-tagged (compilePolicy refuses group-by without it).
      groupBy: fc.option(fc.constantFrom('^pr-(\\d+)', '^(v\\d+)', '/^(.+)-[0-9a-f]{3,7}$/', '^(\\w)'), {
        freq: 2
      }),
      dangling: fc.boolean(),
      keepDigestIdx: idxs,
      pinnedIdx: idxs
    })
    .map(r => ({
      keepDigestIdx: r.keepDigestIdx,
      pinnedIdx: r.pinnedIdx,
      policy: compilePolicy({
        'keep-tags': r.keep.join('\n'),
        'delete-tags': r.del.filter(p => !r.keep.includes(p)).join('\n'),
        'keep-n-tagged': r.keepN === null ? '' : String(r.keepN),
        'older-than': r.olderThan === null ? '' : `${r.olderThan}d`,
        'age-by': r.ageBy,
        'delete-untagged': String(r.deleteUntagged),
        'untagged-grace': `${r.grace}d`,
        'keep-n-untagged': r.keepNUntagged === null ? '' : String(r.keepNUntagged),
        'delete-ghost-indexes': String(r.ghost),
        'delete-partial-indexes': String(r.partial),
        'max-deletions': r.maxDel ?? '',
        untag: String(r.untag),
        'keep-semver': r.semver ?? '',
        'keep-semver-prereleases': String(r.prereleases),
        'group-by': r.keepN === null ? '' : (r.groupBy ?? ''),
        'delete-dangling': String(r.dangling)
      })
    }))
}

function withDigests(choice: PolicyChoice, pkg: RandomPackage): Policy {
  const pick = (idx: readonly number[]) =>
    idx.filter(i => i < pkg.versions.length).map(i => pkg.versions[i].digest)
  return { ...choice.policy, keepDigests: pick(choice.keepDigestIdx), pinnedDigests: pick(choice.pinnedIdx) }
}

/** Every invariant the issue names, checked against the real graph (not the one the planner saw). */
function checkInvariants(pkg: RandomPackage, policy: Policy, result: Plan): void {
  const { versions } = pkg
  // Exactly one decision per version, in order, each with a reason matching its action.
  if (result.decisions.length !== versions.length) throw new Error('not one decision per version')
  const kept = versions.map((v, k) => {
    const d = result.decisions[k]
    if (d.versionId !== v.id) throw new Error(`decision ${k} is for ${d.versionId}, not ${v.id}`)
    if (!d.reason.startsWith(d.action === 'keep' ? 'kept: ' : 'deleted: '))
      throw new Error(`reason ${d.reason}`)
    if (!d.rule) throw new Error('no rule')
    return d.action === 'keep'
  })

  // Nothing reachable from a kept version (kept digests, unknowns and pins are kept versions) is deleted.
  for (const [owner, owned] of pkg.ownerEdges) {
    if (kept[owner] && !kept[owned]) {
      throw new Error(`deleted ${versions[owned].id} although kept ${versions[owner].id} owns it`)
    }
  }
  // keep-semver selects among the package's image tags; a version carrying a selected tag stays.
  const imageTagsOf = versions.map(v => v.tags.filter(t => !parseReferrerTag(t)))
  const semverKept = policy.keepSemver ? selectSemverTags(policy.keepSemver, imageTagsOf.flat()) : new Map()
  for (let k = 0; k < versions.length; k++) {
    const d = result.decisions[k]
    if (d.action === 'delete') {
      if (imageTagsOf[k].some(t => semverKept.has(t))) throw new Error('deleted a keep-semver release')
      // Without delete-dangling, a signature or referrer goes only with what it describes.
      const referrer = ['signature', 'sbom', 'attestation', 'referrer'].includes(d.role)
      if (referrer && d.rule !== 'closure' && !(policy.deleteDangling && d.rule === 'dangling-referrer'))
        throw new Error(`deleted a ${d.role} by ${d.rule}`)
      if (policy.keepDigests.includes(versions[k].digest)) throw new Error('deleted a keep-digest')
      if (policy.pinnedDigests.includes(versions[k].digest)) throw new Error('deleted a pinned digest')
      if (d.role === 'unknown') throw new Error('deleted an unknown version')
      // Referrer tags (sha256-<hex>[.sig|.att|.sbom]) are not image tags: tag rules never apply to them.
      const imageTags = versions[k].tags.filter(t => !parseReferrerTag(t))
      if (imageTags.some(t => policy.keepTags.some(m => m.matches(t))))
        throw new Error('deleted a keep-tags match')
      if (d.untagTags) throw new Error('untag on a deleted version')
    }
  }
  // A pinned child keeps the indexes that list it.
  for (const digest of policy.pinnedDigests) {
    const k = versions.findIndex(v => v.digest === digest)
    for (const parent of pkg.indexParents.get(k) ?? []) {
      if (!kept[parent]) throw new Error('deleted index of a pinned child')
    }
  }

  // deleteOrder holds exactly the deleted ids, each referencing version before what it references.
  const deletedIds = versions.filter((_, k) => !kept[k]).map(v => v.id)
  const position = new Map(result.deleteOrder.map((id, p) => [id, p]))
  if (position.size !== result.deleteOrder.length || result.deleteOrder.length !== deletedIds.length) {
    throw new Error(`deleteOrder ${result.deleteOrder} is not the deleted ids ${deletedIds}`)
  }
  for (const id of deletedIds)
    if (!position.has(id)) throw new Error(`deleted ${id} missing from deleteOrder`)
  for (const [a, b] of pkg.referenceEdges) {
    if (kept[a] || kept[b] || a === b) continue
    if (position.get(versions[a].id)! > position.get(versions[b].id)!) {
      throw new Error(`${versions[a].id} references ${versions[b].id} but is deleted after it`)
    }
  }

  if (result.blocked !== undefined && result.deleteOrder.length > 0) throw new Error('blocked plan deletes')
  // GitHub refuses to delete the last tagged version: some tagged version always stays.
  if (versions.some(v => v.tags.length > 0) && !versions.some((v, k) => kept[k] && v.tags.length > 0)) {
    throw new Error('every tagged version deleted')
  }
}

function planRandom(
  pkg: RandomPackage,
  choice: PolicyChoice
): { policy: Policy; input: PlanInput; result: Plan } {
  const policy = withDigests(choice, pkg)
  const input = { packageName: 'app', versions: pkg.versions, manifests: readFacts(pkg), now: NOW }
  return { policy, input, result: plan(input, policy) }
}

function runProperty(maxVersions: number, numRuns: number, size: fc.SizeForArbitrary): void {
  fc.assert(
    fc.property(packageArb(maxVersions, size), policyArb(maxVersions), (pkg, choice) => {
      const { policy, result } = planRandom(pkg, choice)
      checkInvariants(pkg, policy, result)
    }),
    { numRuns }
  )
}

describe('planner safety properties (fast-check)', () => {
  it('holds on 8,000 small random packages', () => {
    runProperty(12, 8000, 'small')
  })
  it('holds on 2,000 larger random packages', () => {
    runProperty(60, 2000, 'max')
  })
  it('plans deterministically (500 packages planned twice from copied input)', () => {
    fc.assert(
      fc.property(packageArb(30, 'medium'), policyArb(30), (pkg, choice) => {
        const { policy, input, result } = planRandom(pkg, choice)
        const again = plan(
          { ...input, versions: [...input.versions], manifests: new Map(input.manifests) },
          policy
        )
        expect(again).toEqual(result)
      }),
      { numRuns: 500 }
    )
  })
  it('the generator really produces the cases it claims', () => {
    // Guards the properties above against a generator that quietly stopped producing interesting graphs.
    const seen = new Map<string, number>()
    const count = (what: string, yes: boolean) => yes && seen.set(what, (seen.get(what) ?? 0) + 1)
    fc.assert(
      fc.property(packageArb(12), policyArb(12), (pkg, choice) => {
        const r = planRandom(pkg, choice).result
        count('deletes', r.deleteOrder.length > 0)
        count(
          'deletes through an owner',
          r.decisions.some(d => d.action === 'delete' && d.rule === 'closure')
        )
        count(
          'kept through an owner',
          r.decisions.some(d => d.action === 'keep' && d.rule === 'closure')
        )
        count(
          'holds for an unreadable index',
          r.decisions.some(d => d.rule === 'unknown-index')
        )
        count(
          'keeps a loop',
          r.decisions.some(d => d.rule === 'cycle')
        )
        count(
          'partial index',
          r.decisions.some(d => d.role === 'partial-index')
        )
        count(
          'keep-semver',
          r.decisions.some(d => d.rule === 'keep-semver')
        )
        count(
          'group-by',
          r.decisions.some(d => d.reason.includes('group-by group'))
        )
        count(
          'dangling kept',
          r.decisions.some(d => d.rule === 'delete-dangling')
        )
        count(
          'dangling deleted',
          r.decisions.some(d => d.rule === 'dangling-referrer' && d.action === 'delete')
        )
        count('blocked', r.blocked !== undefined)
        count(
          'untag',
          r.decisions.some(d => d.untagTags !== undefined)
        )
        count(
          'last tagged version',
          r.decisions.some(d => d.rule === 'last-tagged-version')
        )
      }),
      { numRuns: 1000, seed: 42 }
    )
    const thresholds: Record<string, number> = {
      deletes: 150,
      'deletes through an owner': 30,
      'kept through an owner': 150,
      'holds for an unreadable index': 50,
      'keeps a loop': 20,
      'partial index': 20,
      blocked: 20,
      'keep-semver': 50,
      'group-by': 30,
      'dangling kept': 20,
      'dangling deleted': 10,
      untag: 5,
      'last tagged version': 5
    }
    const tooRare = Object.entries(thresholds)
      .map(([what, min]) => [what, seen.get(what) ?? 0, min] as const)
      .filter(([, got, min]) => got < min)
    expect(tooRare).toEqual([])
  })

  it('the invariant check rejects a plan that deletes what a kept index lists', () => {
    // The property is only as good as checkInvariants: prove it fails on the classic bug (snok #97).
    const pkg = fc.sample(
      packageArb(12).filter(p => p.ownerEdges.some(([a, b]) => a !== b)),
      { numRuns: 1, seed: 7 }
    )[0]
    const policy = compilePolicy({ 'keep-tags': '*' })
    const facts = readFacts(pkg)
    const good = plan({ packageName: 'app', versions: pkg.versions, manifests: facts, now: NOW }, policy)
    const [owner, owned] = pkg.ownerEdges.find(([a, b]) => a !== b && good.decisions[a].action === 'keep')!
    expect(() => checkInvariants(pkg, policy, good)).not.toThrow()
    const broken: Plan = {
      ...good,
      decisions: good.decisions.map((d, k) =>
        k === owned ? { ...d, action: 'delete', reason: 'deleted: bug' } : d
      ),
      deleteOrder: [pkg.versions[owned].id]
    }
    expect(good.decisions[owner].action).toBe('keep')
    expect(() => checkInvariants(pkg, policy, broken)).toThrow(/although kept/)
  })
})
