import type { ManifestFact } from '../model/ManifestFact.js'
import type { Plan } from '../planner/Plan.js'
import type { ExecutionResult } from '../execute/ExecutionResult.js'
import type { Mode } from '../settings/Settings.js'

/** One package's share of a run: what was decided, what happened, and the manifests read to decide it. */
export interface PackageReport {
  readonly plan: Plan
  /** Absent when nothing was executed (a dry run that skipped the executor, or a run stopped before it). */
  readonly execution?: ExecutionResult
  /** The manifests the fetcher read for this package; only these feed `freed-bytes`. */
  readonly manifests?: ReadonlyMap<string, ManifestFact>
}

export interface RequestCounts {
  /** GitHub REST requests the whole run used (listing, deletes, owner lookup). */
  readonly rest: number
  /** Registry requests (token, manifests). */
  readonly registry: number
  /** The REST budget the run planned within, when one applied. */
  readonly budget?: number
}

/** Everything the reports (log lines, annotations, outputs, step summary, local HTML) are rendered from. */
export interface RunReport {
  readonly dryRun: boolean
  readonly mode: Mode
  /** `owner` of the packages, shown in the summary heading when known. */
  readonly owner?: string
  readonly packages: readonly PackageReport[]
  readonly requests: RequestCounts
  /** Epoch ms. */
  readonly startedAt: number
  readonly finishedAt: number
  /** Path of the JSON plan/journal file: the full lists the summary and outputs leave out live there. */
  readonly journalFile?: string
  /** Name of the workflow artifact the journal was uploaded as, if it was. */
  readonly artifactName?: string
}
