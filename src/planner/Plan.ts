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
