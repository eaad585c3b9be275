import type { ExecutionResult } from './ExecutionResult.js'

/**
 * The exit rule (docs/safety.md, exit status): the step fails when the user must act, and succeeds — with a warning
 * annotation — when the action protected itself and a later run catches up.
 */
export interface RunStatus {
  /** Nothing needs the user: the step succeeds (possibly with warnings). */
  readonly ok: boolean
  /** Packages that need the user, in run order. */
  readonly failedPackages: readonly string[]
  /** Planned deletes left for the next run, over all packages. */
  readonly backlog: number
  /** Each thing the user must act on, one line each (the step fails when there is one). */
  readonly failures: readonly string[]
  /** What held deletes back that a later run catches up on, or that a real run would block (dry run). */
  readonly warnings: readonly string[]
  /** One line for the log, the journal and `core.setFailed`, naming what failed and what waits. */
  readonly message: string
}

/** Problems of the run as a whole, beside the packages' results. */
export interface RunProblems {
  /**
   * The journal could not be written (the journal writer's error). Without it a real run cannot be restored
   * or audited, so the step fails.
   */
  readonly journalError?: string
}

/** Executor's stop reason for a plan over `max-deletions` (src/execute/Executor.ts). */
const BLOCKED_PREFIX = 'blocked by the safety cap'

/**
 * The status of a run over all its packages.
 * - Fails (the user must act): a delete or untag that errored, a stop on an error (authentication, repeated
 *   failures, a bug), a real run whose plan `max-deletions` blocks, a journal that could not be written.
 * - Succeeds with a warning: the request budget or the primary rate limit used up, a cancellation, kept tags
 *   that moved while planning, deletes held back because something kept still lists them, GitHub refusing a
 *   delete it never allows (last tagged version, > 5,000 downloads), and a dry run that a real run would block.
 * Bad input never gets here: the settings reader fails the step before any request.
 */
export function runStatus(results: readonly ExecutionResult[], problems: RunProblems = {}): RunStatus {
  const failedPackages: string[] = []
  const failures: string[] = []
  const warnings: string[] = []
  let backlog = 0
  for (const r of results) {
    backlog += r.remaining.length
    const reasons: string[] = []
    if (r.failed.length > 0)
      reasons.push(`${r.failed.length} failed delete${r.failed.length === 1 ? '' : 's'}`)
    const stop = r.stoppedReason
    if (stop !== undefined && stop.startsWith(BLOCKED_PREFIX)) {
      if (r.dryRun) warnings.push(`${r.packageName}: a real run would fail: ${stop}`)
      else reasons.push(stop)
    } else if (stop !== undefined && !isOrderlyStop(stop) && problems.journalError === undefined) {
      // A journal-failed stop is said once, by the journal error below.
      reasons.push(stop)
    }
    const untagFailures = r.untagged.filter(u => !u.ok && !u.error?.startsWith('not attempted')).length
    if (untagFailures > 0) reasons.push(`${untagFailures} failed untag${untagFailures === 1 ? '' : 's'}`)
    if (reasons.length > 0) {
      failedPackages.push(r.packageName)
      failures.push(`${r.packageName} (${reasons.join('; ')})`)
    }
  }
  if (backlog > 0) warnings.push(`${backlog} planned deletes left for the next run`)
  // The journal's own message leads: it says what to fix, and nothing else can be trusted to be recorded.
  const journal = problems.journalError !== undefined ? [problems.journalError] : []
  const parts = [...journal, ...(failures.length > 0 ? [`failed: ${failures.join(', ')}`] : [])]
  if (parts.length === 0) parts.push('ok')
  failures.unshift(...journal)
  return {
    ok: failures.length === 0,
    failedPackages,
    backlog,
    failures,
    warnings,
    message: [...parts, ...warnings].join('; ')
  }
}

/** A stop that protects the registry or the run and leaves the rest to the next run: not the user's to fix. */
export function isOrderlyStop(reason: string): boolean {
  return (
    reason === 'cancelled' ||
    // Tags moved while the run planned: nothing is lost, the next run plans on the new picture.
    reason.startsWith('re-plan limit') ||
    reason.startsWith('request-budget') ||
    reason.startsWith('request budget used up') ||
    reason.startsWith('primary rate limit')
  )
}
