import type { PlanWarning, WarningKind } from '../planner/Plan.js'
import { isOrderlyStop } from '../execute/RunStatus.js'
import type { PackageReport, RunReport } from './RunReport.js'
import { oneLine } from './logLines.js'
import { truncate } from './markdown.js'

export type AnnotationLevel = 'error' | 'warning' | 'notice'

export interface Annotation {
  readonly level: AnnotationLevel
  readonly title: string
  readonly message: string
}

/** GitHub shows at most 10 annotations of each level per step; the rest vanish silently. */
export const ANNOTATIONS_PER_LEVEL = 10
/** Examples quoted in one annotation before "…and N more". */
const EXAMPLES = 3

const WARNING_LEVEL: Record<WarningKind, AnnotationLevel> = {
  'partial-index': 'warning',
  'ghost-index': 'warning',
  'unknown-manifest': 'warning',
  'rule-matched-nothing': 'warning',
  'pr-event-found-nothing': 'notice',
  'max-deletions': 'warning',
  'last-tagged-version': 'notice',
  cycle: 'warning',
  'dangling-referrer': 'notice',
  'listing-moved': 'warning'
}

function warningTitle(kind: WarningKind, n: number): string {
  const s = n === 1 ? '' : 'es'
  switch (kind) {
    case 'partial-index':
      return `${n} partial index${s} (children missing)`
    case 'ghost-index':
      return `${n} ghost index${s} (no child present)`
    case 'unknown-manifest':
      return `${n} unreadable manifest${n === 1 ? '' : 's'} kept`
    case 'rule-matched-nothing':
      return n === 1 ? 'a rule matched nothing' : `${n} rules matched nothing`
    case 'pr-event-found-nothing':
      return 'no image of the closed pull request'
    case 'max-deletions':
      return 'safety cap reached'
    case 'last-tagged-version':
      return 'last tagged version kept'
    case 'cycle':
      return `${n} reference cycle${n === 1 ? '' : 's'}`
    case 'dangling-referrer':
      return 'signatures or referrers of deleted images kept'
    case 'listing-moved':
      return 'untagged versions kept: the version listing moved while it was read'
  }
}

function examples(lines: readonly string[], more: string): string {
  const shown = lines.slice(0, EXAMPLES).map(l => truncate(oneLine(l), 300))
  const rest = lines.length - shown.length
  return rest > 0 ? [...shown, `…and ${rest} more ${more}`].join('\n') : shown.join('\n')
}

/**
 * What needs a human's attention, one annotation per package and kind of problem (not one per version: a
 * package with 400 ghost indexes must not drown the refused deletes).
 */
export function packageAnnotations(pkg: PackageReport, dryRun = pkg.execution?.dryRun ?? true): Annotation[] {
  const { plan, execution } = pkg
  const name = plan.packageName
  const out: Annotation[] = []
  if (plan.blocked !== undefined) {
    // docs/safety.md, exit status: a real run the cap blocks needs the user (the step fails); a dry run says so.
    out.push(
      dryRun
        ? {
            level: 'warning',
            title: `${name}: a real run would be blocked by max-deletions`,
            message: truncate(oneLine(`A real run with these inputs would fail. ${plan.blocked}`), 1000)
          }
        : {
            level: 'error',
            title: `${name}: max-deletions blocked the plan`,
            message: truncate(oneLine(plan.blocked), 1000)
          }
    )
  }
  const byKind = new Map<WarningKind, PlanWarning[]>()
  for (const w of plan.warnings) {
    // The blocked message already says what the cap warning would.
    if (w.kind === 'max-deletions' && plan.blocked !== undefined) continue
    const list = byKind.get(w.kind) ?? []
    list.push(w)
    byKind.set(w.kind, list)
  }
  for (const [kind, list] of byKind) {
    out.push({
      level: WARNING_LEVEL[kind],
      title: `${name}: ${warningTitle(kind, list.length)}`,
      // The annotation is also a line of the step summary's "Needs attention": it points where every
      // warning is listed (the journal's `warnings`), never at the summary itself.
      message: examples(
        list.map(w => w.message),
        "(the journal's warnings list them all)"
      )
    })
  }
  if (!execution) return out
  if (execution.failed.length > 0) {
    out.push({
      level: 'error',
      title: `${name}: ${execution.failed.length} delete${execution.failed.length === 1 ? '' : 's'} failed`,
      message: examples(
        execution.failed.map(f => `package_version=${f.versionId}: ${f.error}`),
        '(see the log)'
      )
    })
  }
  if (execution.refused.length > 0) {
    out.push({
      level: 'warning',
      title: `${name}: GitHub refused ${execution.refused.length} delete${execution.refused.length === 1 ? '' : 's'}`,
      message: examples(
        execution.refused.map(r => `package_version=${r.versionId} (HTTP ${r.status}): ${r.message}`),
        '(see the log)'
      )
    })
  }
  const untagFailures = execution.untagged.filter(u => !u.ok)
  if (untagFailures.length > 0) {
    out.push({
      level: 'warning',
      title: `${name}: ${untagFailures.length} tag${untagFailures.length === 1 ? '' : 's'} could not be removed`,
      message: examples(
        untagFailures.map(u => `${u.tag} (package_version=${u.versionId}): ${u.error ?? 'failed'}`),
        '(see the log)'
      )
    })
  }
  if (execution.remaining.length > 0) {
    const held = execution.heldBack ?? []
    const why = execution.stoppedReason
      ? `stopped early: ${execution.stoppedReason}`
      : held.length > 0
        ? `held back for safety: package_version=${held[0].versionId}: ${held[0].reason}` +
          (held.length > 1 ? ` (and ${held.length - 1} more, see the log)` : '')
        : 'not attempted'
    out.push({
      level: 'warning',
      title: `${name}: ${execution.remaining.length} deletion${execution.remaining.length === 1 ? '' : 's'} left for the next run`,
      message: `${oneLine(why)}. ${
        execution.stoppedReason === undefined || isOrderlyStop(execution.stoppedReason)
          ? 'The next scheduled run continues with the backlog.'
          : 'Fix the cause (the step error says what) and run again: the backlog waits.'
      }`
    })
  } else if (execution.stoppedReason) {
    out.push({ level: 'notice', title: `${name}: stopped early`, message: oneLine(execution.stoppedReason) })
  }
  return out
}

export function collectAnnotations(report: RunReport): Annotation[] {
  return report.packages.flatMap(p => packageAnnotations(p, report.dryRun))
}

/**
 * Keeps each level within what GitHub shows, replacing the overflow with one annotation that says how many
 * were left out and where to find them, so nothing disappears without a trace.
 */
export function capAnnotations(list: readonly Annotation[], perLevel = ANNOTATIONS_PER_LEVEL): Annotation[] {
  const out: Annotation[] = []
  for (const level of ['error', 'warning', 'notice'] as const) {
    const of = list.filter(a => a.level === level)
    if (of.length <= perLevel) {
      out.push(...of)
      continue
    }
    const kept = of.slice(0, perLevel - 1)
    const left = of.length - kept.length
    out.push(...kept, {
      level,
      title: `${left} more ${level}${left === 1 ? '' : 's'}`,
      message: `${left} more ${level}${left === 1 ? '' : 's'} than GitHub shows per step: ${of
        .slice(kept.length)
        .map(a => a.title)
        .slice(0, 5)
        .join('; ')}${left > 5 ? '; …' : ''}. The step summary lists them all.`
    })
  }
  return out
}
