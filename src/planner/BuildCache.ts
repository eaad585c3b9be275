import type { Role } from './Decision.js'
import type { ImageGraph } from './ImageGraph.js'
import { byNewest, type PlanContext } from './PlanContext.js'
import type { Policy } from './Policy.js'
import { describeTags } from './Reasons.js'
import { compileTagPatterns, firstMatch, splitPatternList } from './TagMatcher.js'
import { DEFAULT_BUILD_CACHE_TAGS } from './repoAwarePolicy.js'
import { Act } from './Verdicts.js'

/** The config media type of BuildKit's registry cache export (`--cache-to type=registry`). */
export const BUILDKIT_CACHE_CONFIG = 'application/vnd.buildkit.cacheconfig.v0'

const DEFAULT_CACHE_MATCHERS = compileTagPatterns(
  splitPatternList(DEFAULT_BUILD_CACHE_TAGS),
  'build-cache-tags'
)

/**
 * A BuildKit registry cache: an index listing layer blobs and a cacheconfig descriptor (the default), or an
 * image manifest whose config is the cacheconfig (`image-manifest=true`); or a tag matching build-cache-tags.
 */
export function isBuildCache(g: ImageGraph, policy: Policy, i: number): boolean {
  if (g.rootTags[i].length === 0) return false
  const m = g.manifests[i]
  if (m) {
    if (m.config?.mediaType === BUILDKIT_CACHE_CONFIG) return true
    if (m.manifests.some(d => d.mediaType === BUILDKIT_CACHE_CONFIG)) return true
  }
  return g.rootTags[i].some(t => firstMatch(policy.buildCacheTags ?? DEFAULT_CACHE_MATCHERS, t) !== undefined)
}

/** Shows build caches as `build-cache` rather than as a tagged root (or a ghost index: it lists blobs). */
export function markBuildCaches(g: ImageGraph, policy: Policy, roles: Role[]): Uint8Array {
  const cache = new Uint8Array(g.size)
  for (let i = 0; i < g.size; i++) {
    if (roles[i] === 'unknown' || !isBuildCache(g, policy, i)) continue
    cache[i] = 1
    roles[i] = 'build-cache'
  }
  return cache
}

/**
 * Build caches never take a keep-n-tagged slot and no ordinary tag rule deletes them: keep-tags keeps one;
 * keep-n-build-cache keeps the N newest and deletes the rest; unset, every build cache is kept.
 */
export function decideBuildCaches(ctx: PlanContext, roots: readonly number[]): void {
  const { g, policy, v } = ctx
  const n = policy.keepNBuildCache
  const ranked: number[] = []
  for (const i of roots) {
    const tags = g.rootTags[i]
    const keep = tags.find(t => firstMatch(policy.keepTags, t))
    const label = `build cache ${tags[0]}`
    if (keep !== undefined) {
      v.decide(
        i,
        Act.keep,
        'keep-tags',
        `build cache ${describeTags(tags)}: tag ${keep} matches keep-tags`,
        label
      )
    } else if (n === undefined) {
      v.decide(
        i,
        Act.keep,
        'build-cache',
        `build cache ${describeTags(tags)}: build caches are kept (set keep-n-build-cache to prune them)`,
        label
      )
    } else ranked.push(i)
  }
  ranked.sort(byNewest(ctx))
  ranked.forEach((i, rank) => {
    const tags = g.rootTags[i]
    const label = `build cache ${tags[0]}`
    if (rank < n!) {
      v.decide(
        i,
        Act.keep,
        'keep-n-build-cache',
        `build cache ${describeTags(tags)}: #${rank + 1} of the ${n} newest (keep-n-build-cache)`,
        label
      )
    } else {
      v.decide(
        i,
        Act.delete,
        'keep-n-build-cache',
        `build cache ${describeTags(tags)}: not among the ${n} newest build caches (keep-n-build-cache)`,
        label
      )
    }
  })
}

/**
 * A BuildKit cache index lists layer blobs and its cache config, which are never package versions: it looks
 * like a ghost or partial index but is whole. Its warnings would only alarm.
 */
export function dropBuildCacheIndexWarnings(ctx: PlanContext, cache: Uint8Array): void {
  const { g, warnings } = ctx
  for (let k = warnings.length - 1; k >= 0; k--) {
    const w = warnings[k]
    if (w.kind !== 'ghost-index' && w.kind !== 'partial-index') continue
    const i = w.digest === undefined ? undefined : g.nodeOf.get(w.digest)
    if (i !== undefined && cache[i]) warnings.splice(k, 1)
  }
}
