import type { Decision, Role } from './Decision.js'
import { associatedTags } from './AssociatedTags.js'
import { referenceLoops } from './Cycles.js'
import { deleteOrder } from './deleteOrder.js'
import { isUnknown, mayReferenceOthers } from './fetchPlan.js'
import { buildImageGraph, EdgeKind, ManifestState, type ImageGraph } from './ImageGraph.js'
import { decideOrphans } from './OrphanRules.js'
import type { Plan, PlanInput } from './Plan.js'
import type { PlanContext } from './PlanContext.js'
import { byNewest } from './PlanContext.js'
import type { Policy } from './Policy.js'
import { describeTags, relation, shortDigest } from './Reasons.js'
import { classifyRoles, isGhost, isPartial, mediaTypeShort } from './Roles.js'
import { exceedsMaxDeletions, MAX_DELETIONS_RULE } from './safetyCap.js'
import { decideTaggedRoots } from './TaggedRootRules.js'
import { applyTimeBuckets } from './BucketRules.js'
import { decideBuildCaches, dropBuildCacheIndexWarnings, markBuildCaches } from './BuildCache.js'
import type { RepoState } from './RepoState.js'
import { decideRepoStateRoots, repoStateWarnings, restrictToClosedPullRequest } from './RepoStateRules.js'
import { Act, Verdicts } from './Verdicts.js'

/**
 * Plans one package: every version gets exactly one Decision. Pure — no I/O, no clock (`input.now`), no
 * environment — and O(versions + edges).
 *
 * Safety model (shared/DESIGN.md §2-4): seeds decide by their own rule (tagged roots by the tag rules, orphans
 * by the untagged rules, keep-digests and pins, unknown manifests, reference loops); everything a kept seed
 * owns (index children, BuildKit attestations, referrers through `subject`, cosign and referrers-index tags)
 * is kept with it, whatever its own rule said; what a deleted seed owns goes with it only when nothing kept
 * owns it. If a manifest that might be an index could not be read, it might list any version, so nothing in
 * the package is deleted this run.
 */
export function plan(input: PlanInput, policy: Policy): Plan {
  const g = buildImageGraph(input.versions, input.manifests)
  const n = g.size
  const unknown = new Uint8Array(n)
  const holders: number[] = []
  for (let i = 0; i < n; i++) {
    if (!isUnknown(g, i)) continue
    unknown[i] = 1
    if (mayReferenceOthers(g, i)) holders.push(i)
  }
  const roles = classifyRoles(g, unknown)
  const buildCache = markBuildCaches(g, policy, roles)
  const ctx: PlanContext = {
    packageName: input.packageName,
    g,
    policy,
    now: input.now,
    time: policy.ageBy === 'created' ? g.createdAt : g.updatedAt,
    v: new Verdicts(n),
    warnings: [],
    ...(input.listingTrusted === false ? { listingMoved: input.listingMoves ?? 'the listing moved' } : {})
  }
  structureWarnings(ctx, unknown, holders.length > 0)
  dropBuildCacheIndexWarnings(ctx, buildCache)
  patternWarnings(ctx)
  repoStateWarnings(ctx, input.repoState)

  // Name a read that failed rather than one that was skipped because of it.
  const holder = holders.find(i => g.state[i] === ManifestState.failed) ?? holders[0]
  if (holders.length > 0) holdEverything(ctx, unknown, holder)
  else {
    decideSeeds(ctx, unknown, roles, input.repoState, buildCache)
    keepOwnerlessLoops(ctx)
    spread(ctx, Act.keep, seedsWith(ctx, Act.keep))
    spread(ctx, Act.delete, seedsWith(ctx, Act.delete))
    keepLastTaggedVersion(ctx)
  }

  const v = ctx.v
  const deleted = new Uint8Array(n)
  let deletedVersions = 0
  for (let k = 0; k < g.versions.length; k++) {
    const node = g.nodeOfVersion[k]
    if (v.action[node] === Act.delete) {
      deleted[node] = 1
      deletedVersions++
    }
  }
  const blocked = exceedsMaxDeletions(
    deletedVersions,
    g.versions.length,
    policy.maxDeletions,
    input.packageName
  )
  if (blocked) ctx.warnings.push({ kind: 'max-deletions', message: blocked })

  const decisions = assembleDecisions(ctx, roles, blocked !== undefined)
  return {
    packageName: input.packageName,
    decisions,
    deleteOrder: blocked ? [] : deleteOrder(g, deleted),
    warnings: ctx.warnings,
    ...(blocked ? { blocked } : {})
  }
}

function nodeName(g: ImageGraph, i: number): string {
  const tags = g.rootTags[i].length ? g.rootTags[i] : g.tags[i]
  return tags.length ? `${describeTags(tags)} (${shortDigest(g.digests[i])})` : shortDigest(g.digests[i])
}

function unknownDetail(g: ImageGraph, i: number): string {
  const fact = g.facts[i]
  if (!fact) return 'its manifest was not read this run, so what it references is unknown'
  if (fact.ok) return 'its manifest is unknown'
  if (fact.notFound) return `the registry has no manifest for it (${fact.reason})`
  return `its manifest could not be read (${fact.reason})`
}

function structureWarnings(ctx: PlanContext, unknown: Uint8Array, holding: boolean): void {
  const { g, policy, warnings } = ctx
  for (let i = 0; i < g.size; i++) {
    const digest = g.digests[i]
    if (unknown[i]) {
      const effect =
        holding && mayReferenceOthers(g, i)
          ? 'it may be an index listing any version, so nothing in this package is deleted this run'
          : 'it is kept'
      warnings.push({
        kind: 'unknown-manifest',
        digest,
        message: `${nodeName(g, i)}: ${unknownDetail(g, i)}; ${effect}.`
      })
    } else if (isGhost(g, i)) {
      warnings.push({
        kind: 'ghost-index',
        digest,
        message: `${nodeName(g, i)} is a ghost index: none of the ${g.missingChildren[i]} manifests it lists is in the package (first: ${shortDigest(g.firstMissing[i]!)}), so it cannot be pulled${policy.deleteGhostIndexes ? '' : '; set delete-ghost-indexes to remove it'}.`
      })
    } else if (isPartial(g, i)) {
      warnings.push({
        kind: 'partial-index',
        digest,
        message: `${nodeName(g, i)} is a partial index: ${g.missingChildren[i]} of the ${g.missingChildren[i] + g.presentChildren[i]} manifests it lists are not in the package (first: ${shortDigest(g.firstMissing[i]!)})${policy.deletePartialIndexes ? '' : '; set delete-partial-indexes to remove it'}.`
      })
    }
  }
}

/** A keep-tags or delete-tags pattern that matches no tag of the package is most likely a typo. */
function patternWarnings(ctx: PlanContext): void {
  const { g, policy } = ctx
  const lists = [
    ['keep-tags', policy.keepTags],
    ['delete-tags', policy.deleteTags]
  ] as const
  let tagCount = 0
  for (let i = 0; i < g.size; i++) tagCount += g.rootTags[i].length
  // A package without image tags matches no pattern by nature; saying so for each would be noise.
  if (tagCount === 0) return
  for (const [input, matchers] of lists) {
    for (const m of matchers) {
      let hit = false
      for (let i = 0; i < g.size && !hit; i++) {
        for (const tag of g.rootTags[i]) {
          if (m.matches(tag)) {
            hit = true
            break
          }
        }
      }
      if (!hit) {
        ctx.warnings.push({
          kind: 'rule-matched-nothing',
          message: `${input} pattern '${m.source}' matches none of the ${tagCount} tags of ${ctx.packageName}.`
        })
      }
    }
  }
}

/** An unreadable manifest that may be an index: nothing in the package may be deleted this run. */
function holdEverything(ctx: PlanContext, unknown: Uint8Array, holder: number): void {
  const { g, v } = ctx
  const why = `the manifest of ${nodeName(g, holder)} could not be read and may list any version of the package, so nothing in it is deleted this run`
  for (let i = 0; i < g.size; i++) {
    if (unknown[i])
      v.decide(i, Act.keep, 'unknown', unknownDetail(g, i), `unreadable ${shortDigest(g.digests[i])}`)
    else v.decide(i, Act.keep, 'unknown-index', why, shortDigest(g.digests[i]))
  }
}

function decideSeeds(
  ctx: PlanContext,
  unknown: Uint8Array,
  roles: readonly Role[],
  repoState: RepoState | undefined,
  buildCache: Uint8Array
): void {
  const { g, policy, v } = ctx
  const loops = referenceLoops(g)
  const keepDigests = new Set(policy.keepDigests)
  const pinned = new Set(policy.pinnedDigests)
  const pinnedNodes: number[] = []
  for (let i = 0; i < g.size; i++) {
    const digest = g.digests[i]
    const short = shortDigest(digest)
    if (unknown[i]) {
      v.decide(i, Act.keep, 'unknown', unknownDetail(g, i), `unreadable ${short}`)
    } else if (loops[i]) {
      v.decide(
        i,
        Act.keep,
        'cycle',
        'it lies on a loop of references (crafted tags or descriptors), which has no safe deletion order',
        `looped ${short}`
      )
      ctx.warnings.push({
        kind: 'cycle',
        digest,
        message: `${nodeName(g, i)} lies on a reference loop; it is kept.`
      })
    } else if (keepDigests.has(digest)) {
      v.decide(i, Act.keep, 'keep-digests', 'its digest is listed in keep-digests', `digest ${short}`)
    } else if (pinned.has(digest)) {
      v.decide(i, Act.keep, 'pinned', 'its digest is pinned in the repository', `pinned digest ${short}`)
    }
    if (pinned.has(digest)) pinnedNodes.push(i)
  }
  keepIndexesOfPinned(ctx, pinnedNodes)

  const tagged: number[] = []
  const orphans: number[] = []
  for (let i = 0; i < g.size; i++) {
    if (v.isDecided(i)) continue
    if (g.rootTags[i].length > 0) tagged.push(i)
    else if (g.inStart[i] === g.inStart[i + 1]) orphans.push(i)
  }
  // pr-tag / branch-tag first, then build caches by their own rule, then the ordinary tag rules and buckets.
  const rest = decideRepoStateRoots(ctx, repoState, tagged)
  decideBuildCaches(
    ctx,
    rest.filter(i => buildCache[i])
  )
  const ordinary = rest.filter(i => !buildCache[i])
  decideTaggedRoots(ctx, ordinary)
  applyTimeBuckets(ctx, ordinary)
  decideOrphans(ctx, orphans, roles)
  restrictToClosedPullRequest(ctx, repoState)
}

/** A pinned child keeps the indexes that list it (and theirs): whoever pinned it pulls it as part of them. */
function keepIndexesOfPinned(ctx: PlanContext, pinnedNodes: readonly number[]): void {
  const { g, v } = ctx
  const queue = [...pinnedNodes]
  for (let head = 0; head < queue.length; head++) {
    const x = queue[head]
    for (let e = g.inStart[x]; e < g.inStart[x + 1]; e++) {
      if (g.inKind[e] > EdgeKind.attestation) continue
      const parent = g.inFrom[e]
      if (v.isDecided(parent)) continue
      v.decide(
        parent,
        Act.keep,
        'pinned',
        `it lists ${shortDigest(g.digests[x])}, which is pinned in the repository`,
        `index of pinned digest ${shortDigest(g.digests[x])}`
      )
      queue.push(parent)
    }
  }
}

function seedsWith(ctx: PlanContext, action: number): number[] {
  const out: number[] = []
  for (let i = 0; i < ctx.g.size; i++) if (ctx.v.isDecided(i) && ctx.v.action[i] === action) out.push(i)
  return out
}

/**
 * Versions that no seed reaches are owned only by each other (e.g. an index whose subject is its own child,
 * with no tag): nothing outside decides for them, so they stay.
 */
function keepOwnerlessLoops(ctx: PlanContext): void {
  const { g, v } = ctx
  const reached = new Uint8Array(g.size)
  const queue = new Int32Array(g.size)
  let tail = 0
  for (let i = 0; i < g.size; i++) {
    if (v.isDecided(i)) {
      reached[i] = 1
      queue[tail++] = i
    }
  }
  for (let head = 0; head < tail; head++) {
    const x = queue[head]
    for (let e = g.outStart[x]; e < g.outStart[x + 1]; e++) {
      const y = g.outTo[e]
      if (!reached[y]) {
        reached[y] = 1
        queue[tail++] = y
      }
    }
  }
  for (let i = 0; i < g.size; i++) {
    if (reached[i]) continue
    v.decide(
      i,
      Act.keep,
      'cycle',
      'only versions that it owns in turn own it (a loop with no tag or orphan above it), so nothing decides it away',
      `looped ${shortDigest(g.digests[i])}`
    )
    ctx.warnings.push({
      kind: 'cycle',
      digest: g.digests[i],
      message: `${nodeName(g, i)} is owned only through a loop of references; it is kept.`
    })
  }
}

/**
 * Breadth-first walk over owner → owned edges from `starts`. Keep: marks everything reached as kept, even a
 * seed its own rule would delete (recorded in `overridden`). Delete: marks reached followers deleted, never
 * touching anything kept.
 */
function spread(ctx: PlanContext, action: number, starts: readonly number[]): void {
  const { g, v } = ctx
  const queue = new Int32Array(g.size)
  let tail = 0
  for (const s of starts) queue[tail++] = s
  for (let head = 0; head < tail; head++) {
    const x = queue[head]
    for (let e = g.outStart[x]; e < g.outStart[x + 1]; e++) {
      const y = g.outTo[e]
      if (v.action[y] === Act.keep) continue
      if (action === Act.delete && v.action[y] === Act.delete) continue
      if (v.action[y] === Act.delete) {
        // A kept owner overrides what y's own rule (or a deleted owner) said.
        if (v.seed[y]) v.overridden[y] = v.detail[y]
        v.seed[y] = 0
      }
      v.action[y] = action
      v.rule[y] = 'closure'
      v.via[y] = x
      v.viaKind[y] = g.outKind[e]
      v.root[y] = v.root[x]
      queue[tail++] = y
    }
  }
}

/**
 * GitHub refuses to delete the last tagged version of a package (400). If the plan would delete every
 * tagged version, keep the newest tagged root instead of failing half-way.
 */
function keepLastTaggedVersion(ctx: PlanContext): void {
  const { g, v } = ctx
  let best = -1
  let bestIsRoot = false
  const newest = byNewest(ctx)
  for (let i = 0; i < g.size; i++) {
    if (g.tags[i].length === 0) continue
    if (v.action[i] === Act.keep) return
    const isRoot = g.rootTags[i].length > 0
    if (best === -1 || (isRoot && !bestIsRoot) || (isRoot === bestIsRoot && newest(i, best) < 0)) {
      best = i
      bestIsRoot = isRoot
    }
  }
  if (best === -1) return
  const tags = g.rootTags[best].length ? g.rootTags[best] : g.tags[best]
  v.overridden[best] = undefined
  v.decide(
    best,
    Act.keep,
    'last-tagged-version',
    `${describeTags(tags)}: the plan would delete every tagged version, and GitHub refuses to delete the last one, so the newest is kept (delete the package itself to remove it)`,
    `tag ${tags[0]}`
  )
  spread(ctx, Act.keep, [best])
  ctx.warnings.push({
    kind: 'last-tagged-version',
    digest: g.digests[best],
    message: `${nodeName(g, best)} is kept: the plan would delete every tagged version of ${ctx.packageName}, and GitHub cannot delete the last tagged version of a package.`
  })
}

function assembleDecisions(ctx: PlanContext, roles: readonly Role[], blocked: boolean): Decision[] {
  const { g, v, time } = ctx
  const associated = associatedTags(g)
  // One reason per digest, built when its first listing is reached (GitHub lists each digest once).
  const reasons: (string | undefined)[] = []
  const reasonOf = (i: number): string => {
    const known = reasons[i]
    if (known !== undefined) return known
    const verb = v.action[i] === Act.keep ? 'kept' : 'deleted'
    let reason: string
    if (v.seed[i]) reason = `${verb}: ${v.detail[i]}`
    else {
      const root = v.root[i]
      const via = v.via[i]
      const rootVerb = v.action[root] === Act.keep ? 'kept' : 'deleted'
      reason = `${verb}: ${relation(g, i, v.viaKind[i], roles[i])} of ${rootVerb} ${v.label[root]}`
      if (via !== root) reason += ` (through ${shortDigest(g.digests[via])})`
      if (v.overridden[i] !== undefined) reason += `; this overrides its own rule: ${v.overridden[i]}`
    }
    reasons[i] = reason
    return reason
  }

  const decisions: Decision[] = new Array(g.versions.length)
  for (let k = 0; k < g.versions.length; k++) {
    const version = g.versions[k]
    const i = g.nodeOfVersion[k]
    let action: 'keep' | 'delete' = v.action[i] === Act.delete ? 'delete' : 'keep'
    let rule = v.rule[i]
    let reason = reasonOf(i)
    if (blocked && action === 'delete') {
      action = 'keep'
      rule = MAX_DELETIONS_RULE
      reason = `kept: max-deletions stopped this plan (it would be ${reason})`
    }
    const parent = v.via[i] >= 0 ? v.via[i] : g.inStart[i] < g.inStart[i + 1] ? g.inFrom[g.inStart[i]] : -1
    const untag = blocked ? undefined : v.untag[i]
    const decision: { -readonly [K in keyof Decision]: Decision[K] } = {
      versionId: version.id,
      digest: version.digest,
      action,
      rule,
      reason,
      role: roles[i],
      mediaType: mediaTypeShort(g, i),
      tags: version.tags,
      associatedTags: associated[i],
      time: time[i]
    }
    // Optional fields only when present, so JSON and log lines stay free of empty keys.
    const platform = g.platform[i]
    if (platform !== undefined) decision.platform = platform
    if (parent >= 0) decision.parent = g.digests[parent]
    if (untag) decision.untagTags = untag
    decisions[k] = decision
  }
  return decisions
}
