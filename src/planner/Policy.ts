import type { BranchTagTemplate, PrTagTemplate } from './RefTemplates.js'

/**
 * The retention policy, already validated and compiled by the settings layer. Pure data plus pure
 * matchers, so the planner needs no I/O to apply it. Semantics: shared/DESIGN.md "Policy semantics".
 */
export interface TagMatcher {
  /** The pattern as the user wrote it, for reasons and warnings. */
  readonly source: string
  matches(tag: string): boolean
}

export type AgeBy = 'updated' | 'created'

export interface MaxDeletions {
  readonly kind: 'count' | 'percent'
  readonly value: number
}

/** keep-semver (SemverRules.ts); `all` = no limit. `patches` applies to the lines `minors` selects. */
export interface KeepSemver {
  /** The input as written, for reasons. */
  readonly source: string
  readonly majors?: number | 'all'
  readonly minors?: number | 'all'
  readonly patches: number | 'all'
  /** keep-semver-prereleases: prereleases rank as versions (otherwise they are ignored). */
  readonly prereleases: boolean
}

/** group-by (GroupRules.ts): the group a tag belongs to, undefined when the regex does not match it. */
export interface TagGrouping {
  readonly source: string
  groupOf(tag: string): string | undefined
}

export interface Policy {
  /** A tag matching any of these keeps its version (keep wins over delete). */
  readonly keepTags: readonly TagMatcher[]
  /** Tagged roots are candidates only when every tag matches one of these. Empty = `*` implied. */
  readonly deleteTags: readonly TagMatcher[]
  /** True when the user set `delete-tags` explicitly (a bare config never deletes tagged images). */
  readonly deleteTagsExplicit: boolean
  readonly keepNTagged?: number
  /** Milliseconds; tagged roots only. */
  readonly olderThanMs?: number
  readonly ageBy: AgeBy
  readonly deleteUntagged: boolean
  readonly untaggedGraceMs: number
  readonly keepNUntagged?: number
  /** Digests kept no matter what (with their closure). */
  readonly keepDigests: readonly string[]
  /** Digests pinned in repository files: kept with closure; a pinned child keeps its parent index. */
  readonly pinnedDigests: readonly string[]
  readonly deleteGhostIndexes: boolean
  readonly deletePartialIndexes: boolean
  readonly maxDeletions?: MaxDeletions
  /** keep-semver: releases kept by semantic version (a keep rule, like keep-tags). */
  readonly keepSemver?: KeepSemver
  /** group-by: keep-n-tagged counts the candidates of each group on its own. */
  readonly groupBy?: TagGrouping
  /** delete-dangling: delete signatures, attestations and referrers whose subject is gone (undefined = false). */
  readonly deleteDangling?: boolean
  /** Remove only the deletable tags of a version that also carries kept tags. */
  readonly untag: boolean
  /** pr-tag: templates naming a pull request (`pr-{number}`); setting it selects closed PRs' tags for deletion. */
  readonly prTags?: readonly PrTagTemplate[]
  /** pr-grace: ms a pull request stays closed before a sweep deletes its images. */
  readonly prGraceMs?: number
  /** branch-tag: templates naming a branch (`{branch}` sanitised as docker/metadata-action does). */
  readonly branchTags?: readonly BranchTagTemplate[]
  /** keep-daily / keep-weekly / keep-monthly / keep-yearly (restic semantics, UTC). */
  readonly timeBuckets?: TimeBucketCounts
  /** Tags that mark BuildKit registry cache images (their shape marks them too). */
  readonly buildCacheTags?: readonly TagMatcher[]
  /** keep-n-build-cache: undefined = every build-cache image is kept. */
  readonly keepNBuildCache?: number
}

export interface TimeBucketCounts {
  readonly daily?: number
  readonly weekly?: number
  readonly monthly?: number
  readonly yearly?: number
}

export const DEFAULT_POLICY: Policy = {
  keepTags: [],
  deleteTags: [],
  deleteTagsExplicit: false,
  ageBy: 'updated',
  deleteUntagged: true,
  untaggedGraceMs: 7 * 24 * 3600 * 1000,
  keepDigests: [],
  pinnedDigests: [],
  deleteGhostIndexes: false,
  deletePartialIndexes: false,
  deleteDangling: false,
  untag: false
}
