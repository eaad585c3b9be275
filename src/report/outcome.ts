import type { Decision } from '../planner/Decision.js'
import type { Plan } from '../planner/Plan.js'
import { MAX_DELETIONS_RULE } from '../planner/safetyCap.js'
import type { PackageReport } from './RunReport.js'

/**
 * What became of one version, as every report shows it. In a dry run `deleted` means "would be deleted".
 * - `kept`: the plan keeps it.
 * - `deleted`: deleted by this run (204).
 * - `gone`: the delete answered 404: it was already gone (GHCR removes an index's children by itself at times).
 * - `refused`: GitHub refused the delete (e.g. 400 for the last tagged version, 403 for > 5,000 downloads).
 * - `failed`: the delete errored (network, 5xx after retries).
 * - `remaining`: planned but not attempted (budget used up, cancelled): the backlog for the next run.
 * - `blocked`: a planned delete the safety cap (`max-deletions`) held back with the whole plan; nothing of it
 *   was attempted. The planner turns such a delete into a keep of rule `max-deletions`; it is counted here,
 *   never as kept.
 */
export type Outcome = 'kept' | 'deleted' | 'gone' | 'refused' | 'failed' | 'remaining' | 'blocked'

export interface VersionOutcome {
  readonly outcome: Outcome
  /** HTTP status of a refused delete. */
  readonly status?: number
  /** GitHub's message for a refused delete, or the error of a failed one. */
  readonly error?: string
  /** Tags whose removal (untag) failed, in a real run. */
  readonly untagFailed?: readonly string[]
}

/**
 * Resolves every decision of a package to its outcome. A planned delete the execution does not mention was
 * never attempted: in a real run that is backlog (`remaining`), never "deleted" — a report must not claim a
 * deletion it cannot prove. In a dry run it is what the run would delete.
 */
export function resolveOutcomes(pkg: PackageReport, dryRun: boolean): Map<number, VersionOutcome> {
  const { plan, execution } = pkg
  const byId = new Map<number, VersionOutcome>()
  if (execution) {
    for (const id of execution.deleted) byId.set(id, { outcome: 'deleted' })
    for (const id of execution.gone) byId.set(id, { outcome: 'gone' })
    for (const r of execution.refused)
      byId.set(r.versionId, { outcome: 'refused', status: r.status, error: r.message })
    for (const f of execution.failed) byId.set(f.versionId, { outcome: 'failed', error: f.error })
    for (const id of execution.remaining) byId.set(id, { outcome: 'remaining' })
  }
  const untagFailed = new Map<number, string[]>()
  for (const u of execution?.untagged ?? []) {
    if (u.ok) continue
    const list = untagFailed.get(u.versionId) ?? []
    list.push(u.tag)
    untagFailed.set(u.versionId, list)
  }
  const out = new Map<number, VersionOutcome>()
  for (const d of plan.decisions) {
    if (heldBackByCap(plan, d)) {
      out.set(d.versionId, { outcome: 'blocked' })
    } else if (d.action === 'keep') {
      const failedTags = untagFailed.get(d.versionId)
      out.set(d.versionId, failedTags ? { outcome: 'kept', untagFailed: failedTags } : { outcome: 'kept' })
    } else {
      out.set(d.versionId, byId.get(d.versionId) ?? { outcome: dryRun ? 'deleted' : 'remaining' })
    }
  }
  return out
}

/** A delete the safety cap stopped: the planner kept it under rule `max-deletions` (or left it a delete). */
export function heldBackByCap(plan: Plan, d: Decision): boolean {
  return plan.blocked !== undefined && (d.action === 'delete' || d.rule === MAX_DELETIONS_RULE)
}

export interface Totals {
  versions: number
  kept: number
  deleted: number
  gone: number
  refused: number
  failed: number
  remaining: number
  blocked: number
}

export function emptyTotals(): Totals {
  return { versions: 0, kept: 0, deleted: 0, gone: 0, refused: 0, failed: 0, remaining: 0, blocked: 0 }
}

export function countOutcomes(
  decisions: readonly Decision[],
  outcomes: ReadonlyMap<number, VersionOutcome>,
  into: Totals = emptyTotals()
): Totals {
  for (const d of decisions) {
    into.versions++
    const o = outcomes.get(d.versionId)?.outcome ?? 'kept'
    into[o]++
  }
  return into
}

export function addTotals(a: Totals, b: Totals): Totals {
  const out = emptyTotals()
  for (const k of Object.keys(out) as (keyof Totals)[]) out[k] = a[k] + b[k]
  return out
}
