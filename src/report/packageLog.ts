import type { BarrierStats } from '../execute/BarrierGate.js'
import type { Decision } from '../planner/Decision.js'
import { PUSH_IN_FLIGHT_FLOOR_MS, PUSH_IN_FLIGHT_RULE } from '../planner/OrphanRules.js'
import { formatDuration } from '../planner/Duration.js'
import type { PackageReport } from './RunReport.js'
import { countOutcomes, resolveOutcomes, type Totals } from './outcome.js'
import {
  formatDecisionLine,
  formatReasonLine,
  formatTotalsLine,
  lineOptionsFor,
  oneLine
} from './logLines.js'
import { logText } from '../log/logText.js'

/** A log entry, kept as data so the grouping can be tested without @actions/core. */
export type LogEntry =
  | { readonly kind: 'group'; readonly title: string }
  | { readonly kind: 'endgroup' }
  | { readonly kind: 'info'; readonly text: string }
  | { readonly kind: 'debug'; readonly text: string }

/**
 * The log of one package: a group with the deletions (in the order they run: parents before what they
 * reference), a group with the keeps, each decision followed by its reason at debug level, then one totals
 * line outside the groups so a collapsed log still shows the outcome. Groups cannot nest on GitHub, hence two.
 */
export function packageLog(pkg: PackageReport, dryRun: boolean): LogEntry[] {
  return [...packageLogEntries(pkg, dryRun)]
}

/**
 * {@link packageLog} one entry at a time, each line formatted as it is read: a package of 100,000 versions
 * never holds its 200,000 lines at once (issue 18, bounded memory).
 */
export function* packageLogEntries(pkg: PackageReport, dryRun: boolean): Generator<LogEntry> {
  const { plan } = pkg
  const name = logText(plan.packageName)
  const outcomes = resolveOutcomes(pkg, dryRun)
  const byId = new Map<number, Decision>(plan.decisions.map(d => [d.versionId, d]))
  const deletes: Decision[] = []
  const seen = new Set<number>()
  for (const id of plan.deleteOrder) {
    const d = byId.get(id)
    if (d && d.action === 'delete' && !seen.has(id)) {
      deletes.push(d)
      seen.add(id)
    }
  }
  // A plan the safety cap blocked has no delete order: its held-back deletes are listed as the planner gave them.
  const heldBack = (d: Decision) => outcomes.get(d.versionId)?.outcome === 'blocked'
  for (const d of plan.decisions)
    if ((d.action === 'delete' || heldBack(d)) && !seen.has(d.versionId)) deletes.push(d)
  const keeps = plan.decisions.filter(d => d.action === 'keep' && !heldBack(d))
  const totals = countOutcomes(plan.decisions, outcomes)

  function* emit(title: string, list: readonly Decision[]): Generator<LogEntry> {
    if (list.length === 0) return
    yield { kind: 'group', title }
    for (const d of list) {
      yield {
        kind: 'info',
        text: formatDecisionLine(plan.packageName, d, lineOptionsFor(outcomes.get(d.versionId), dryRun))
      }
      yield { kind: 'debug', text: formatReasonLine(d) }
    }
    yield { kind: 'endgroup' }
  }
  yield* emit(deleteGroupTitle(name, totals, dryRun, plan.blocked !== undefined), deletes)
  yield* emit(
    `${name}: ${dryRun ? 'would keep' : 'kept'} ${totals.kept} of ${totals.versions} versions`,
    keeps
  )
  if (plan.blocked !== undefined) yield { kind: 'info', text: `${name}: ${logText(oneLine(plan.blocked))}` }
  const inFlight = plan.decisions.filter(d => d.rule === PUSH_IN_FLIGHT_RULE).length
  if (inFlight > 0) {
    yield {
      kind: 'info',
      text: `${name}: ${dryRun ? 'would keep' : 'kept'} ${inFlight} untagged ${inFlight === 1 ? 'version' : 'versions'} younger than ${formatDuration(PUSH_IN_FLIGHT_FLOOR_MS)} whatever untagged-grace says: a push may still be uploading the index that lists ${inFlight === 1 ? 'it' : 'them'}`
    }
  }
  const barrier = pkg.execution?.barrier
  if (barrier) yield { kind: 'info', text: barrierLine(name, barrier) }
  yield { kind: 'info', text: formatTotalsLine(plan.packageName, totals, dryRun) }
}

/** The write barrier's share of the run, apart from the listing-and-reading minimum (docs/benchmarks.md). */
export function barrierLine(name: string, b: BarrierStats): string {
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`
  return (
    `${name}: write barrier: ${n(b.passes, 'pass', 'passes')} over the registry's tags, ` +
    `${n(b.requests, 'registry request')} beyond listing and reading (${n(b.heads, 'tag')} HEADed, ` +
    `${n(b.manifestsWalked, 'manifest')} walked); held back ${n(b.held, 'planned delete')}`
  )
}

function deleteGroupTitle(name: string, t: Totals, dryRun: boolean, blocked: boolean): string {
  if (blocked) {
    return dryRun
      ? `${name}: would hold back ${t.blocked} planned deletions (max-deletions)`
      : `${name}: held back ${t.blocked} planned deletions (max-deletions)`
  }
  const head = dryRun
    ? `${name}: would delete ${t.deleted} of ${t.versions} versions`
    : `${name}: deleted ${t.deleted} of ${t.versions} versions`
  const rest = [
    t.gone && `${t.gone} already gone`,
    t.refused && `${t.refused} refused`,
    t.failed && `${t.failed} failed`,
    t.remaining && `${t.remaining} deferred`
  ].filter(Boolean)
  return rest.length > 0 ? `${head} (${rest.join(', ')})` : head
}
