import * as core from '@actions/core'
import { actionsLog } from '../log/actionsLog.js'
import { openJournal } from '../execute/artifact.js'
import { JournalError, type JournalRecord, type JournalRestore } from '../execute/Journal.js'
import {
  checkAgainstGitHub,
  deletedWithin,
  journalRestores,
  restoreItemsFromJournal,
  restoreVersions,
  type RestoreItem,
  type RestoreResult,
  type SettledItem
} from '../execute/Restore.js'
import { markdownText } from '../report/escape.js'
import { openRunJournal } from './JournalWriter.js'
import type { RunContext } from './RunContext.js'
import { selectPackages } from './selectPackages.js'

interface PackageRestore {
  readonly result: RestoreResult
  readonly settled: readonly SettledItem[]
}

/** The step summary of a restore; names, reasons and server messages are data. */
export function renderRestore(results: readonly PackageRestore[]): string {
  const lines = ['## ghcr-retention: restore', '']
  for (const { result: r, settled } of results) {
    const present = settled.filter(s => s.outcome === 'already-present').length
    const lost = settled.filter(s => s.outcome === 'not-restored')
    lines.push(
      `- **${markdownText(r.packageName)}**: ${r.restored.length} restored, ${r.notRestored.length + lost.length} not restorable, ` +
        `${present} present already, ${r.remaining.length} not attempted` +
        (r.stoppedReason ? ` (${markdownText(r.stoppedReason)})` : '')
    )
    for (const n of [...r.notRestored, ...lost].slice(0, 50))
      lines.push(`  - version ${n.versionId}: ${markdownText(n.reason)}`)
  }
  return lines.join('\n') + '\n'
}

/** The most mismatches quoted in the error (the rest are counted). */
const MAX_QUOTED = 20

/**
 * Puts back what a journal lists (a file, or a workflow artifact of this run), or what was deleted within a
 * window. The journal is checked against its schema before the first request, and every id against the digest
 * GitHub lists for it before the first restore: any disagreement restores nothing. Children come back before
 * the indexes that list them, so a tag is complete the moment it reappears.
 */
export async function runRestore(ctx: RunContext, env: NodeJS.ProcessEnv): Promise<void> {
  const { settings } = ctx
  const startedAt = ctx.now()
  const writer = ctx.journal ?? (await openRunJournal(settings, 'restore', env, startedAt))
  const at = (): string => new Date(ctx.now()).toISOString()
  let source = ''
  let work = new Map<string, RestoreItem[]>()
  try {
    if (settings.restoreFrom) {
      // A file, an artifact of this run, or `<run-id>/<artifact-name>` of an earlier run of this repository.
      const { journal, path } = await openJournal(settings.restoreFrom, {
        token: settings.token,
        repository: env.GITHUB_REPOSITORY,
        env
      })
      source = path
      actionsLog.info(
        `restore: journal ${JSON.stringify(path)} of ${journal.startedAt} (${journal.mode}${journal.dryRun ? ', dry-run' : ''}` +
          `${journal.torn ? ', its last line cut off by a killed run' : ''}${journal.complete ? '' : ', the run did not finish'})`
      )
      if (journal.owner.toLowerCase() !== settings.owner.toLowerCase()) {
        throw new JournalError(
          `restore-from: the journal is for owner ${JSON.stringify(journal.owner)}, not ${JSON.stringify(settings.owner)}`
        )
      }
      work = restoreItemsFromJournal(journal)
    }
    const selected = await selectPackages(ctx)
    const selectedNames = new Set(selected.map(p => p.name))
    if (settings.restoreFrom) {
      for (const name of [...work.keys()]) {
        if (!selectedNames.has(name)) {
          actionsLog.warning(
            `restore: the journal lists package ${JSON.stringify(name)}, which packages does not select; skipped`
          )
          work.delete(name)
        }
      }
    } else if (settings.restoreWithinMs !== undefined) {
      for (const info of selected) {
        work.set(info.name, await deletedWithin(info, settings.restoreWithinMs, ctx.packages, ctx.now()))
      }
    }

    // Every package is checked before any is restored: one disagreement anywhere restores nothing.
    const checked = new Map<string, { ready: RestoreItem[]; settled: SettledItem[] }>()
    const mismatches: string[] = []
    for (const info of selected) {
      const items = work.get(info.name)
      if (!items || items.length === 0) continue
      if (!settings.restoreFrom) {
        checked.set(info.name, { ready: items, settled: [] })
        continue
      }
      const c = await checkAgainstGitHub(info, items, ctx.packages, source)
      mismatches.push(...c.mismatches)
      checked.set(info.name, c)
    }
    if (mismatches.length > 0) {
      const more = mismatches.length > MAX_QUOTED ? `; and ${mismatches.length - MAX_QUOTED} more` : ''
      throw new JournalError(
        `restore-from: the journal does not match what GitHub lists, so nothing was restored: ` +
          `${mismatches.slice(0, MAX_QUOTED).join('; ')}${more}`
      )
    }

    const results: PackageRestore[] = []
    for (const info of selected) {
      const c = checked.get(info.name)
      if (!c) continue
      const records: JournalRecord[] = c.settled.map(s => ({
        type: 'restore-result',
        package: info.name,
        id: s.versionId,
        ...(s.digest !== undefined ? { digest: s.digest } : {}),
        outcome: s.outcome,
        reason: s.reason,
        at: at()
      }))
      writer.record(records)
      actionsLog.startGroup(`restore ${info.name}: ${c.ready.length} versions`)
      try {
        const r = await restoreVersions(info, c.ready, {
          packages: ctx.packages,
          budget: ctx.budget,
          signal: ctx.signal,
          logger: ctx.logger,
          now: ctx.now,
          onRestoring: (id, digest) =>
            writer.record([
              { type: 'restore-intent', package: info.name, id, ...(digest ? { digest } : {}), at: at() }
            ])
        })
        writer.record(journalRestores(r).map(e => restoreResultRecord(info.name, e, at())))
        results.push({ result: r, settled: c.settled })
        for (const n of [...r.notRestored, ...c.settled.filter(s => s.outcome === 'not-restored')])
          actionsLog.warning(`${info.name}: version ${n.versionId} not restored: ${n.reason}`)
      } finally {
        actionsLog.endGroup()
      }
    }

    const restored = results.reduce((n, r) => n + r.result.restored.length, 0)
    const failed = results.reduce(
      (n, r) => n + r.result.notRestored.length + r.settled.filter(s => s.outcome === 'not-restored').length,
      0
    )
    const status =
      failed > 0 ? `failed: ${failed} version(s) could not be restored` : `ok: ${restored} restored`
    await writer.close({ type: 'end', finishedAt: at(), ok: failed === 0, status })
    core.setOutput('journal-file', settings.journalFile)
    core.setOutput('restored-count', String(restored))
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderRestore(results), true).write()
    actionsLog.info(`restore: ${restored} versions restored, ${failed} could not be restored`)
    if (writer.failed) {
      actionsLog.setFailed(
        `${writer.failed.message}: the restore went on; the journal of this restore is incomplete`
      )
    }
    if (failed > 0) actionsLog.setFailed(`${failed} version(s) could not be restored; see the log`)
  } catch (error) {
    await writer.close({
      type: 'end',
      finishedAt: at(),
      ok: false,
      status: `failed: ${(error as Error).message}`
    })
    throw error
  }
}

function restoreResultRecord(name: string, e: JournalRestore, at: string): JournalRecord {
  return {
    type: 'restore-result',
    package: name,
    id: e.id,
    ...(e.digest !== undefined ? { digest: e.digest } : {}),
    outcome: e.outcome,
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
    at
  }
}
