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
  /** Remove only the deletable tags of a version that also carries kept tags. */
  readonly untag: boolean
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
  untag: false
}
