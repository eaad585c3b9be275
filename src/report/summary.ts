import type { Decision } from '../planner/Decision.js'
import type { PackageReport, RunReport } from './RunReport.js'
import {
  addTotals,
  countOutcomes,
  emptyTotals,
  resolveOutcomes,
  type Totals,
  type VersionOutcome
} from './outcome.js'
import { collectAnnotations, type Annotation } from './annotations.js'
import { freedBytes } from './freedBytes.js'
import { buildForest, type VersionTree } from './versionTree.js'
import { MERMAID_LEGEND, MERMAID_MAX_NODES, renderMermaid } from './mermaid.js'
import { markdownCode, markdownText } from './escape.js'
import {
  displayTag,
  formatBytes,
  formatDuration,
  num,
  plural,
  shortDigest,
  shortenDigests,
  truncate
} from './markdown.js'

/** GitHub refuses a step summary above 1024k ("$GITHUB_STEP_SUMMARY upload aborted, supports content up to…"). */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024
/** What the renderer aims for: the limit less a margin for anything else the step appends. */
export const SUMMARY_BUDGET_BYTES = 900 * 1024
/** Rows per table tried from the most detailed down until the whole summary fits the budget. */
const ROW_CAPS = [200, 100, 50, 20, 10, 5, 0]
const MAX_PACKAGE_ROWS = 50
const MAX_ATTENTION = 50
const REASON_CHARS = 160

export interface SummaryOptions {
  /** Byte budget of the whole summary (UTF-8). */
  readonly budgetBytes?: number
  readonly mermaidMaxNodes?: number
}

interface PackageView {
  readonly pkg: PackageReport
  readonly outcomes: ReadonlyMap<number, VersionOutcome>
  readonly totals: Totals
  /** Trees whose root is (to be) deleted, and trees whose root is kept, each in display order. */
  readonly doomed: readonly VersionTree[]
  readonly kept: readonly VersionTree[]
}

/**
 * The step summary as Markdown: a heading and totals, what needs attention, and per package a collapsible
 * section with a graph (small packages), the deletions as tag → children trees, and the keeps with their
 * reasons. It is sized to fit GitHub's limit: tables are cut to fewer rows until the whole document fits, and
 * what is cut is counted in a closing line that points at the journal.
 */
export function renderSummary(report: RunReport, opts: SummaryOptions = {}): string {
  const budget = opts.budgetBytes ?? SUMMARY_BUDGET_BYTES
  const views: PackageView[] = report.packages.map(pkg => {
    const outcomes = resolveOutcomes(pkg, report.dryRun)
    const isKept = (t: VersionTree) => (outcomes.get(t.root.versionId)?.outcome ?? 'kept') === 'kept'
    const ordered = buildForest(pkg.plan.decisions).sort(treeOrder)
    return {
      pkg,
      outcomes,
      totals: countOutcomes(pkg.plan.decisions, outcomes),
      doomed: ordered.filter(t => !isKept(t)),
      kept: ordered.filter(isKept)
    }
  })
  const head = renderHead(report, views)
  const openAll = views.length <= 3
  let doc = ''
  for (const cap of ROW_CAPS) {
    const sections = views.map(v =>
      renderPackage(v, report, {
        cap,
        open: openAll,
        mermaidMaxNodes: opts.mermaidMaxNodes ?? MERMAID_MAX_NODES
      })
    )
    const { text, dropped } = assemble(head, sections, budget, report)
    doc = text
    if (dropped === 0) break
  }
  return doc
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

function assemble(
  head: string,
  sections: readonly string[],
  budget: number,
  report: RunReport
): { text: string; dropped: number } {
  const parts = [head]
  let size = bytes(head)
  const tailReserve = 400
  let i = 0
  for (; i < sections.length; i++) {
    const s = bytes(sections[i])
    if (size + s + tailReserve > budget) break
    parts.push(sections[i])
    size += s
  }
  const dropped = sections.length - i
  if (dropped > 0) {
    parts.push(
      `_…and ${plural(dropped, 'more package')} not shown here to stay within GitHub's summary size: see ${journalFileRef(report)}._\n`
    )
  }
  return { text: parts.join('\n'), dropped }
}

function journalFileRef(report: RunReport): string {
  if (!report.journalFile) return 'the journal'
  return `the journal ${markdownCode(report.journalFile)}${report.artifactName ? ` (artifact ${markdownCode(report.artifactName)})` : ''}`
}

function renderHead(report: RunReport, views: readonly PackageView[]): string {
  const out: string[] = []
  const owner = report.owner ? ` for ${markdownCode(report.owner)}` : ''
  const mode = report.mode === 'prune' ? '' : ` (${report.mode})`
  out.push(`## Container retention${owner}${mode}${report.dryRun ? ' — dry run' : ''}`, '')
  if (report.dryRun) {
    out.push(
      '> **Dry run:** nothing was deleted. Everything marked *delete* is what a real run with the same inputs would delete.',
      ''
    )
  }
  out.push(...renderTotals(report, views), '')
  out.push(...renderRunFacts(report), '')
  const attention = collectAnnotations(report)
  if (attention.length > 0) out.push(...renderAttention(attention, report), '')
  if (views.length > 0) out.push('### Packages', '')
  return out.join('\n')
}

type Column = { readonly key: keyof Totals; readonly label: string; readonly always?: boolean }

function renderTotals(report: RunReport, views: readonly PackageView[]): string[] {
  if (views.length === 0) return ['No package matched, so nothing was planned.']
  const total = views.reduce((acc, v) => addTotals(acc, v.totals), emptyTotals())
  const all: Column[] = [
    { key: 'versions', label: 'Versions', always: true },
    { key: 'kept', label: 'Kept', always: true },
    { key: 'deleted', label: report.dryRun ? 'Would delete' : 'Deleted', always: true },
    { key: 'gone', label: 'Already gone' },
    { key: 'refused', label: 'Refused' },
    { key: 'failed', label: 'Failed' },
    { key: 'remaining', label: 'Backlog (next run)' },
    { key: 'blocked', label: 'Held back' }
  ]
  const columns = all.filter(c => c.always || total[c.key] > 0)
  const row = (name: string, t: Totals) => `| ${name} | ${columns.map(c => num(t[c.key])).join(' | ')} |`
  const lines = [
    `| Package | ${columns.map(c => c.label).join(' | ')} |`,
    `|---|${columns.map(() => '--:').join('|')}|`
  ]
  for (const v of views.slice(0, MAX_PACKAGE_ROWS))
    lines.push(row(markdownCode(v.pkg.plan.packageName), v.totals))
  if (views.length > MAX_PACKAGE_ROWS) {
    const rest = views.slice(MAX_PACKAGE_ROWS).reduce((acc, v) => addTotals(acc, v.totals), emptyTotals())
    lines.push(row(`…${plural(views.length - MAX_PACKAGE_ROWS, 'more package')}`, rest))
  }
  if (views.length > 1) lines.push(row('**Total**', total))
  return lines
}

function renderRunFacts(report: RunReport): string[] {
  const r = report.requests
  const barrier = report.packages.reduce((sum, p) => sum + (p.execution?.barrier?.requests ?? 0), 0)
  const passes = report.packages.reduce((sum, p) => sum + (p.execution?.barrier?.passes ?? 0), 0)
  const out = [
    `- **Requests:** ${num(r.rest)} REST${r.budget !== undefined ? ` of a budget of ${num(r.budget)}` : ''} · ` +
      `${num(r.registry)} registry` +
      (passes > 0
        ? ` (${num(barrier)} of them by the write barrier's ${plural(passes, 'pass', 'passes')} over the tags)`
        : '')
  ]
  const freed = freedBytes(report.packages, report.dryRun)
  if (freed.deleted > 0) {
    const verb = report.dryRun ? 'Would free' : 'Freed'
    const basis =
      freed.deletedRead === 0
        ? 'no deleted manifest was read this run, so no layer sizes are known'
        : `${plural(freed.blobs, 'blob')}, from the ${num(freed.deletedRead)} of ${num(freed.deleted)} deleted ` +
          `manifests read this run` +
          (freed.survivingUnread > 0
            ? `; ${plural(freed.survivingUnread, 'surviving image')} not read, so shared layers may be counted`
            : '')
    out.push(`- **Storage:** ${verb} ${formatBytes(freed.bytes)} (${basis})`)
  }
  const when = new Date(report.startedAt)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
  out.push(`- **Run:** started ${when}, took ${formatDuration(report.finishedAt - report.startedAt)}`)
  if (report.journalFile) {
    out.push(
      `- **Journal:** ${journalFileRef(report).replace(/^the journal /, '')} — every decision, for diffing, replay and restore`
    )
  }
  return out
}

const ICON: Record<Annotation['level'], string> = { error: '❌', warning: '⚠️', notice: 'ℹ️' }

function renderAttention(list: readonly Annotation[], report: RunReport): string[] {
  const out = ['### Needs attention', '']
  for (const a of list.slice(0, MAX_ATTENTION)) {
    const message = a.message.split('\n').map(markdownText).join('<br>')
    out.push(`- ${ICON[a.level]} **${markdownText(a.title)}** — ${message}`)
  }
  if (list.length > MAX_ATTENTION) {
    out.push(
      `- …and ${plural(list.length - MAX_ATTENTION, 'more item')}: see the log and ${journalFileRef(report)}`
    )
  }
  return out
}

interface PackageOptions {
  readonly cap: number
  readonly open: boolean
  readonly mermaidMaxNodes: number
}

function renderPackage(view: PackageView, report: RunReport, opts: PackageOptions): string {
  const { pkg, outcomes, totals, doomed, kept } = view
  const { plan } = pkg
  const dry = report.dryRun
  const counts = [
    `${num(totals.kept)} kept`,
    `${num(totals.deleted)} ${dry ? 'would be deleted' : 'deleted'}`
  ]
  if (totals.gone) counts.push(`${num(totals.gone)} already gone`)
  if (totals.refused) counts.push(`${num(totals.refused)} refused`)
  if (totals.failed) counts.push(`${num(totals.failed)} failed`)
  if (totals.remaining) counts.push(`${num(totals.remaining)} deferred`)
  if (totals.blocked) counts.push(`${num(totals.blocked)} held back`)
  const out = [
    `<details${opts.open ? ' open' : ''}>`,
    `<summary><strong>${markdownText(plan.packageName)}</strong> — ${plural(totals.versions, 'version')}: ${counts.join(', ')}</summary>`,
    ''
  ]
  if (plan.blocked !== undefined) {
    const lead = dry ? 'A real run would fail, blocked by max-deletions' : 'Blocked by max-deletions'
    out.push(`> ✋ **${lead}:** ${markdownText(plan.blocked)}`, '')
  }
  const stopped = plan.blocked === undefined ? pkg.execution?.stoppedReason : undefined
  if (stopped) out.push(`> ⏸️ **Stopped early:** ${markdownText(truncate(stopped, 500))}`, '')
  const graph = renderMermaid(plan, outcomes, opts.mermaidMaxNodes)
  if (graph) out.push('```mermaid', graph, '```', '', `<sub>${markdownText(MERMAID_LEGEND)}</sub>`, '')

  const stillThere = (o: string | undefined) => o === 'refused' || o === 'failed' || o === 'remaining'
  const allDone = doomed.every(t =>
    t.rows.every(r => !stillThere(outcomes.get(r.decision.versionId)?.outcome))
  )
  const deleteTitle =
    plan.blocked !== undefined
      ? 'Held back'
      : dry
        ? 'Would be deleted'
        : allDone
          ? 'Deleted'
          : 'Planned deletions'
  if (doomed.length > 0) {
    out.push(`**${deleteTitle}** (${plural(rowCount(doomed), 'version')})`, '')
    out.push(...renderTable(doomed, view, report, opts.cap), '')
  } else {
    out.push(`Nothing ${dry ? 'would be' : 'was'} deleted.`, '')
  }
  if (kept.length > 0) {
    out.push(
      '<details>',
      `<summary><strong>Kept</strong> (${plural(rowCount(kept), 'version')}) and why</summary>`,
      ''
    )
    out.push(...renderTable(kept, view, report, opts.cap), '', '</details>', '')
  }
  out.push('</details>', '')
  return out.join('\n')
}

function rowCount(trees: readonly VersionTree[]): number {
  return trees.reduce((n, t) => n + t.rows.length, 0)
}

/** Tagged images first, then untagged ones; newest first within each. */
function treeOrder(a: VersionTree, b: VersionTree): number {
  const ta = a.root.tags.length > 0 ? 0 : 1
  const tb = b.root.tags.length > 0 ? 0 : 1
  if (ta !== tb) return ta - tb
  return b.root.time - a.root.time || b.root.versionId - a.root.versionId
}

function renderTable(
  trees: readonly VersionTree[],
  view: PackageView,
  report: RunReport,
  cap: number
): string[] {
  const lines: string[] = []
  let shown = 0
  const hidden = new Map<string, number>()
  let hiddenCount = 0
  for (const tree of trees) {
    for (const row of tree.rows) {
      if (shown < cap) {
        if (shown === 0) {
          lines.push(
            '| Version | ID | Platform | Type | Role | Outcome | Why |',
            '|---|--:|---|---|---|---|---|'
          )
        }
        lines.push(
          renderRow(row.decision, row.depth, view.outcomes.get(row.decision.versionId), report.dryRun)
        )
        shown++
      } else {
        hiddenCount++
        hidden.set(row.decision.role, (hidden.get(row.decision.role) ?? 0) + 1)
      }
    }
  }
  if (hiddenCount > 0) {
    const byRole = [...hidden.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([role, n]) => `${num(n)} ${role}`)
      .join(', ')
    if (lines.length > 0) lines.push('')
    lines.push(`_…and ${plural(hiddenCount, 'more version')} (${byRole}): see ${journalFileRef(report)}._`)
  }
  return lines
}

function outcomeCell(vo: VersionOutcome | undefined, dryRun: boolean): string {
  switch (vo?.outcome ?? 'kept') {
    case 'kept':
      return dryRun ? '✅ keep' : '✅ kept'
    case 'deleted':
      return dryRun ? '🗑️ delete' : '🗑️ deleted'
    case 'gone':
      return '👻 already gone'
    case 'refused':
      return `⛔ refused${vo?.status !== undefined ? ` (HTTP ${vo.status})` : ''}`
    case 'failed':
      return '❌ failed'
    case 'remaining':
      return '⏳ deferred'
    case 'blocked':
      return '✋ held back'
  }
}

function versionCell(d: Decision, depth: number): string {
  if (depth === 0) {
    if (d.tags.length === 0) return markdownCode(shortDigest(d.digest))
    const tags = d.tags
      .slice(0, 4)
      .map(t => markdownCode(displayTag(t)))
      .join(' ')
    return d.tags.length > 4 ? `${tags} +${d.tags.length - 4}` : tags
  }
  const indent = '&nbsp;&nbsp;'.repeat(depth - 1)
  const tags =
    d.tags.length > 0
      ? ' ' +
        d.tags
          .slice(0, 2)
          .map(t => markdownCode(displayTag(t)))
          .join(' ')
      : ''
  return `${indent}└ ${markdownCode(shortDigest(d.digest))}${tags}`
}

/** The Outcome column already says kept/deleted; a reason that opens with it would say it twice. */
function reasonText(reason: string): string {
  return reason.replace(/^(kept|deleted|keep|delete):\s*/i, '')
}

function renderRow(d: Decision, depth: number, vo: VersionOutcome | undefined, dryRun: boolean): string {
  let why = `${markdownCode(d.rule)} ${markdownText(truncate(shortenDigests(reasonText(d.reason)), REASON_CHARS))}`
  if (d.untagTags && d.untagTags.length > 0) why += ` · untag ${d.untagTags.map(markdownCode).join(' ')}`
  if (vo?.untagFailed && vo.untagFailed.length > 0)
    why += ` · untag failed for ${vo.untagFailed.map(markdownCode).join(' ')}`
  if (vo?.error && vo.outcome !== 'kept') why += ` — ${markdownText(truncate(shortenDigests(vo.error), 100))}`
  const cells = [
    versionCell(d, depth),
    String(d.versionId),
    d.platform ? markdownText(d.platform) : '',
    markdownText(d.mediaType),
    markdownText(d.role),
    outcomeCell(vo, dryRun),
    why
  ]
  return `| ${cells.join(' | ')} |`
}
