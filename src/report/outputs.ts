import type { RunReport } from './RunReport.js'
import { addTotals, countOutcomes, emptyTotals, resolveOutcomes, type Totals } from './outcome.js'
import { freedBytes, type FreedBytes } from './freedBytes.js'

/**
 * Above this many ids `deleted-versions` is left unset: a job's outputs share 1 MB (GitHub, "Passing
 * information between jobs"), and a list that long belongs in the journal anyway (action.yml says so).
 */
export const DELETED_VERSIONS_MAX = 1000

export interface RunOutputs {
  readonly 'deleted-count': string
  readonly 'kept-count': string
  /** JSON array of version ids; absent when longer than DELETED_VERSIONS_MAX (see `notes`). */
  readonly 'deleted-versions'?: string
  readonly 'journal-file': string
  readonly remaining: string
  readonly 'freed-bytes': string
}

export interface OutputNote {
  readonly level: 'notice' | 'info'
  readonly text: string
}

export interface ComputedOutputs {
  readonly outputs: RunOutputs
  readonly totals: Totals
  readonly freed: FreedBytes
  /** What the log should say about the outputs; `notice` ones also become an annotation. */
  readonly notes: readonly OutputNote[]
}

/**
 * The step outputs. In a dry run `deleted-count` and `deleted-versions` describe what would be deleted (like
 * actions/stale's outputs in debug-only mode), so a dry run can be diffed against the real one. Versions a
 * delete found already gone (404) are not counted as deleted by this run.
 */
export function computeOutputs(report: RunReport): ComputedOutputs {
  let totals = emptyTotals()
  const deletedIds: number[] = []
  for (const pkg of report.packages) {
    const outcomes = resolveOutcomes(pkg, report.dryRun)
    totals = addTotals(totals, countOutcomes(pkg.plan.decisions, outcomes))
    const order = [...pkg.plan.deleteOrder, ...pkg.plan.decisions.map(d => d.versionId)]
    const seen = new Set<number>()
    for (const id of order) {
      if (seen.has(id)) continue
      seen.add(id)
      if (outcomes.get(id)?.outcome === 'deleted') deletedIds.push(id)
    }
  }
  const freed = freedBytes(report.packages, report.dryRun)
  const notes: OutputNote[] = []
  const where = report.journalFile
    ? `the journal ${report.journalFile}${report.artifactName ? ` (artifact ${report.artifactName})` : ''}`
    : 'the journal'
  let deletedVersions: string | undefined = JSON.stringify(deletedIds)
  if (deletedIds.length > DELETED_VERSIONS_MAX) {
    deletedVersions = undefined
    notes.push({
      level: 'notice',
      text:
        `deleted-versions is not set: ${deletedIds.length} ids exceed the ${DELETED_VERSIONS_MAX} an output ` +
        `carries here; the full list is in ${where}.`
    })
  }
  if (freed.survivingUnread > 0 && freed.bytes > 0) {
    notes.push({
      level: 'info',
      text:
        `freed-bytes counts blobs from ${freed.deletedRead} deleted manifest(s) read this run; ` +
        `${freed.survivingUnread} surviving image(s) were not read, so shared layers may be overcounted.`
    })
  }
  return {
    outputs: {
      'deleted-count': String(totals.deleted),
      // Held back by max-deletions: still there, so kept (the log and summary count them apart).
      'kept-count': String(totals.kept + totals.blocked),
      ...(deletedVersions !== undefined ? { 'deleted-versions': deletedVersions } : {}),
      'journal-file': report.journalFile ?? '',
      remaining: String(totals.remaining),
      'freed-bytes': String(freed.bytes)
    },
    totals,
    freed,
    notes
  }
}
