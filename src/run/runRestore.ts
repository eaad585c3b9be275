import * as core from '@actions/core'
import { actionsLog } from '../log/actionsLog.js'
import { openJournal } from '../execute/artifact.js'
import { JOURNAL_SCHEMA, writeJournal, type JournalPackage } from '../execute/Journal.js'
import {
  deletedWithin,
  journalRestores,
  restoreItemsFromJournal,
  restoreVersions,
  type RestoreItem,
  type RestoreResult
} from '../execute/Restore.js'
import { markdownText } from '../report/escape.js'
import type { RunContext } from './RunContext.js'
import { selectPackages } from './selectPackages.js'

/** The step summary of a restore; names, reasons and server messages are data. */
export function renderRestore(results: readonly RestoreResult[]): string {
  const lines = ['## ghcr-retention: restore', '']
  for (const r of results) {
    lines.push(
      `- **${markdownText(r.packageName)}**: ${r.restored.length} restored, ${r.notRestored.length} not ` +
        `restorable, ${r.remaining.length} not attempted` +
        (r.stoppedReason ? ` (${markdownText(r.stoppedReason)})` : '')
    )
    for (const n of r.notRestored.slice(0, 50)) {
      lines.push(`  - version ${n.versionId}: ${markdownText(n.reason)}`)
    }
  }
  return lines.join('\n') + '\n'
}

/**
 * Puts back what a journal lists (a file, or a workflow artifact of this run), or what was deleted within a
 * window. Children come back before the indexes that list them, so a tag is complete the moment it reappears.
 */
export async function runRestore(ctx: RunContext, env: NodeJS.ProcessEnv): Promise<void> {
  const { settings } = ctx
  const startedAt = ctx.now()
  const selected = await selectPackages(ctx)
  const selectedNames = new Set(selected.map(p => p.name))
  let work = new Map<string, RestoreItem[]>()
  if (settings.restoreFrom) {
    // A file, an artifact of this run, or `<run-id>/<artifact-name>` of an earlier run of this repository.
    const { journal, path } = await openJournal(settings.restoreFrom, {
      token: settings.token,
      repository: env.GITHUB_REPOSITORY,
      env
    })
    actionsLog.info(
      `restore: journal ${path} of ${journal.startedAt} (${journal.mode}${journal.dryRun ? ', dry-run' : ''})`
    )
    if (journal.owner.toLowerCase() !== settings.owner.toLowerCase()) {
      throw new Error(`restore-from: the journal is for owner ${journal.owner}, not ${settings.owner}`)
    }
    work = restoreItemsFromJournal(journal)
    for (const name of work.keys()) {
      if (!selectedNames.has(name)) {
        actionsLog.warning(
          `restore: the journal lists package ${name}, which packages does not select; skipped`
        )
        work.delete(name)
      }
    }
  } else if (settings.restoreWithinMs !== undefined) {
    for (const info of selected) {
      work.set(info.name, await deletedWithin(info, settings.restoreWithinMs, ctx.packages, ctx.now()))
    }
  }

  const results: RestoreResult[] = []
  for (const info of selected) {
    const items = work.get(info.name)
    if (!items || items.length === 0) continue
    actionsLog.startGroup(`restore ${info.name}: ${items.length} versions`)
    try {
      const r = await restoreVersions(info, items, {
        packages: ctx.packages,
        budget: ctx.budget,
        signal: ctx.signal,
        logger: ctx.logger,
        now: ctx.now
      })
      results.push(r)
      for (const n of r.notRestored)
        actionsLog.warning(`${info.name}: version ${n.versionId} not restored: ${n.reason}`)
    } finally {
      actionsLog.endGroup()
    }
  }

  const packages: JournalPackage[] = results.map(r => ({
    name: r.packageName,
    deleted: [],
    refused: [],
    failed: [],
    remaining: r.remaining,
    restored: journalRestores(r)
  }))
  await writeJournal(settings.journalFile, {
    schema: JOURNAL_SCHEMA,
    mode: 'restore',
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(ctx.now()).toISOString(),
    dryRun: false,
    owner: settings.owner,
    packages
  })
  const restored = results.reduce((n, r) => n + r.restored.length, 0)
  const failed = results.reduce((n, r) => n + r.notRestored.length, 0)
  core.setOutput('journal-file', settings.journalFile)
  core.setOutput('restored-count', String(restored))
  if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderRestore(results), true).write()
  actionsLog.info(`restore: ${restored} versions restored, ${failed} could not be restored`)
  if (failed > 0) actionsLog.setFailed(`${failed} version(s) could not be restored; see the log`)
}
