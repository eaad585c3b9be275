import type { ExecutionResult } from './ExecutionResult.js'

export interface RunStatus {
  /** No package failed (refusals and a backlog left for the next run are not failures). */
  readonly ok: boolean
  readonly failedPackages: readonly string[]
  /** Planned deletes left for the next run, over all packages. */
  readonly backlog: number
  /** One line for the log and the journal, naming what failed. */
  readonly message: string
}

/**
 * The status of a run over all its packages. A package failed when a delete errored or it stopped for a
 * reason other than the budget or a cancellation; a budget stop is the designed way to spread a large backlog
 * over scheduled runs, and GitHub's refusals (last tagged version, > 5,000 downloads) are reported, not fatal.
 */
export function runStatus(results: readonly ExecutionResult[]): RunStatus {
  const failed: string[] = []
  const details: string[] = []
  let backlog = 0
  for (const r of results) {
    backlog += r.remaining.length
    const reasons: string[] = []
    if (r.failed.length > 0)
      reasons.push(`${r.failed.length} failed delete${r.failed.length === 1 ? '' : 's'}`)
    if (r.stoppedReason !== undefined && !isOrderlyStop(r.stoppedReason)) reasons.push(r.stoppedReason)
    const untagFailures = r.untagged.filter(u => !u.ok && !u.error?.startsWith('not attempted')).length
    if (untagFailures > 0) reasons.push(`${untagFailures} failed untag${untagFailures === 1 ? '' : 's'}`)
    if (reasons.length > 0) {
      failed.push(r.packageName)
      details.push(`${r.packageName} (${reasons.join('; ')})`)
    }
  }
  const tail = backlog > 0 ? `; ${backlog} planned deletes left for the next run` : ''
  return {
    ok: failed.length === 0,
    failedPackages: failed,
    backlog,
    message: failed.length === 0 ? `ok${tail}` : `failed: ${details.join(', ')}${tail}`
  }
}

function isOrderlyStop(reason: string): boolean {
  return (
    reason === 'cancelled' ||
    // Tags moved while the run planned: nothing is lost, the next run plans on the new picture.
    reason.startsWith('re-plan limit') ||
    reason.startsWith('request-budget') ||
    reason.startsWith('primary rate limit') ||
    reason.startsWith('blocked by the safety cap')
  )
}
