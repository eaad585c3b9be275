import type { ActionInputName } from '../model/actionInputs.js'
import { parseDuration } from './Duration.js'
import type { Policy } from './Policy.js'
import { PolicyError } from './PolicyError.js'
import { compileBranchTag, compilePrTag } from './RefTemplates.js'
import { compileTagPatterns, splitPatternList } from './TagMatcher.js'

/** BuildKit cache tags as people usually name them (`--cache-to type=registry,ref=…:buildcache`). */
export const DEFAULT_BUILD_CACHE_TAGS = 'buildcache, buildcache-*, cache, cache-*, *-cache'

type RepoAwarePolicy = Pick<
  Policy,
  'prTags' | 'prGraceMs' | 'branchTags' | 'timeBuckets' | 'buildCacheTags' | 'keepNBuildCache'
>

/** The issue-10 inputs: pull request and branch templates, time buckets, build caches. */
export function repoAwarePolicy(get: (name: ActionInputName) => string): RepoAwarePolicy {
  const grace = get('pr-grace')
  const prTags = splitPatternList(get('pr-tag')).map(s => compilePrTag(s))
  const branchTags = splitPatternList(get('branch-tag')).map(s => compileBranchTag(s))
  const cacheRaw = get('build-cache-tags')
  const timeBuckets = {
    daily: count('keep-daily', get('keep-daily')),
    weekly: count('keep-weekly', get('keep-weekly')),
    monthly: count('keep-monthly', get('keep-monthly')),
    yearly: count('keep-yearly', get('keep-yearly'))
  }
  // Only what is set, so an empty configuration compiles to DEFAULT_POLICY exactly.
  const buckets = Object.fromEntries(Object.entries(timeBuckets).filter(([, n]) => n !== undefined))
  const keepNBuildCache = count('keep-n-build-cache', get('keep-n-build-cache'))
  return {
    ...(prTags.length > 0 ? { prTags } : {}),
    ...(grace !== '' ? { prGraceMs: parseDuration('pr-grace', grace) } : {}),
    ...(branchTags.length > 0 ? { branchTags } : {}),
    ...(Object.keys(buckets).length > 0 ? { timeBuckets: buckets } : {}),
    // Unset = DEFAULT_BUILD_CACHE_TAGS (applied where caches are recognised); `none` = by shape only.
    ...(cacheRaw !== ''
      ? {
          buildCacheTags:
            cacheRaw === 'none' ? [] : compileTagPatterns(splitPatternList(cacheRaw), 'build-cache-tags')
        }
      : {}),
    ...(keepNBuildCache !== undefined ? { keepNBuildCache } : {})
  }
}

function count(input: ActionInputName, value: string): number | undefined {
  if (value === '') return undefined
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new PolicyError(input, value, 'Expected a whole number, 0 or more, such as `7`.')
  }
  return Number(value)
}
