import type { PackageVersion } from '../model/PackageVersion.js'
import type { ManifestFact } from '../model/ManifestFact.js'
import type { Decision } from './Decision.js'
import type { RepoState } from './RepoState.js'

export interface PlanInput {
  readonly packageName: string
  readonly versions: readonly PackageVersion[]
  readonly manifests: ReadonlyMap<string, ManifestFact>
  /** Epoch ms; the planner never reads the clock. */
  readonly now: number
  /** Pull requests and branches of the repository, for pr-tag and branch-tag (absent = unknown: kept). */
  readonly repoState?: RepoState
  /**
   * False when the version listing visibly moved while it was read, on every attempt (src/github/
   * checkedListing.ts): a version may be missing, so one that looks orphaned may be the child of an index the
   * listing did not show. Untagged orphans and dangling referrers are then kept this run. Absent = true.
   */
  readonly listingTrusted?: boolean
  /** What moved, for the reason and the warning (e.g. `version_count 40 before, 39 after; 1 id seen twice`). */
  readonly listingMoves?: string
}

export type WarningKind =
  | 'partial-index'
  | 'ghost-index'
  | 'unknown-manifest'
  | 'rule-matched-nothing'
  /** A pull request's `closed` event found no image of it: informational, never a fail-on-noop failure. */
  | 'pr-event-found-nothing'
  | 'max-deletions'
  | 'last-tagged-version'
  | 'cycle'
  | 'dangling-referrer'
  | 'listing-moved'

export interface PlanWarning {
  readonly kind: WarningKind
  readonly message: string
  readonly digest?: string
}

export interface Plan {
  readonly packageName: string
  /** One per version, in the order of `versions`. */
  readonly decisions: readonly Decision[]
  /**
   * Version ids to delete, in a safe order: every parent (index, subject-holder) before anything it
   * references, so an interruption never leaves a kept tag pointing at missing content.
   */
  readonly deleteOrder: readonly number[]
  readonly warnings: readonly PlanWarning[]
  /** Set when the safety cap stopped the plan: nothing is deleted and this says how to raise it. */
  readonly blocked?: string
}
