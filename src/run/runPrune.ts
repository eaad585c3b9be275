import * as core from '@actions/core'
import { actionsLog } from '../log/actionsLog.js'
import { uploadJournal, journalArtifactName, JOURNAL_STATE } from '../execute/artifact.js'
import type { ExecutionResult } from '../execute/ExecutionResult.js'
import { packageEndRecords, planRecords } from '../execute/Journal.js'
import { deleteJournalFor, openRunJournal, type JournalWriter } from './JournalWriter.js'
import { runStatus } from '../execute/RunStatus.js'
import { collectPins, pinnedDigestsFor } from '../pins/collectPins.js'
import {
  logPinOutcomes,
  pinOutcomes,
  renderPinsSummary,
  unselectedPins,
  type PinOutcome
} from '../pins/pinReport.js'
import { policyWithPins } from '../pins/pinnedPolicy.js'
import type { Plan } from '../planner/Plan.js'
import { emitAnnotations, emitLog, emitOutputs, writeStepSummary } from '../report/publish.js'
import type { PackageReport, RunReport } from '../report/RunReport.js'
import { RequestBudgetError } from '../github/errors.js'
import { prunePackage } from './prune.js'
import type { RunContext } from './RunContext.js'
import { selectPackages } from './selectPackages.js'
import { validateAll } from './runValidate.js'

/**
 * A package that stopped before it had a plan: an empty plan, and why. The request budget running out (before
 * the package started, or while it was listed) is an orderly stop the next run continues; anything else is
 * an error.
 */
function stoppedBeforePlanning(name: string, stoppedReason: string, dryRun: boolean): PackageReport {
  const plan: Plan = { packageName: name, decisions: [], deleteOrder: [], warnings: [] }
  const execution: ExecutionResult = {
    packageName: name,
    dryRun,
    deleted: [],
    gone: [],
    refused: [],
    failed: [],
    remaining: [],
    untagged: [],
    stoppedReason,
    restRequests: 0,
    registryRequests: 0
  }
  return { plan, execution }
}

export async function runPrune(ctx: RunContext, env: NodeJS.ProcessEnv): Promise<void> {
  const { settings } = ctx
  const startedAt = ctx.now()
  const selected = await selectPackages(ctx)
  const pins = await collectPins({
    pins: settings.pins,
    owner: settings.owner,
    env,
    logger: ctx.logger,
    reader: ctx.repoReader
  })
  const pinned: PinOutcome[] = []
  const reports: PackageReport[] = []
  const writer = ctx.journal ?? (await openRunJournal(settings, 'prune', env, startedAt))
  const at = (): string => new Date(ctx.now()).toISOString()
  for (const info of selected) {
    if (ctx.signal.aborted || writer.failed) break
    const spent = ctx.budget.exhausted
    if (spent !== undefined) {
      // Listing it would cross the budget: an orderly stop, the package waits for the next run.
      const stopped = stoppedBeforePlanning(info.name, `${spent}; not planned`, settings.dryRun)
      reports.push(stopped)
      writer.record(packageEndRecords(info.name, stopped.execution!, at()))
      continue
    }
    try {
      await ctx.manifestCache?.restore(info)
      const policy = policyWithPins(settings.policy, pinnedDigestsFor(pins, info.name))
      const pruned = await prunePackage({ ...ctx, settings: { ...settings, policy } }, info, {
        onPlanned: p => writer.record(planRecords(p.plan, at())),
        ...(settings.dryRun ? {} : { journal: deleteJournalFor(writer, info.name) })
      })
      reports.push(pruned)
      writer.record(packageEndRecords(info.name, pruned.execution, at()))
      const outcomes = pinOutcomes(pins, info.name, pruned.plan.decisions)
      logPinOutcomes(info.name, outcomes, actionsLog)
      pinned.push(...outcomes)
      await ctx.manifestCache?.save(info, pruned)
    } catch (error) {
      const message = (error as Error).message
      let reason: string
      if (error instanceof RequestBudgetError) {
        reason = `${message}; not planned`
        actionsLog.warning(`${info.name}: ${reason}`, { title: `Package ${info.name} not planned` })
      } else {
        reason = `error: ${message}`
        actionsLog.error(`${info.name}: ${message}`, { title: `Package ${info.name} failed` })
      }
      const failed = stoppedBeforePlanning(info.name, reason, settings.dryRun)
      reports.push(failed)
      writer.record(packageEndRecords(info.name, failed.execution!, at()))
    }
  }

  const status = runStatus(
    reports.flatMap(r => (r.execution ? [r.execution] : [])),
    { journalError: journalFailed(writer, reports) }
  )
  await writer.close({
    type: 'end',
    finishedAt: at(),
    ok: status.ok,
    status: status.message
  })
  let artifactName: string | undefined
  if (settings.uploadJournal) {
    artifactName = await uploadJournal(
      settings.journalFile,
      journalArtifactName(env, settings.owner, settings.packages),
      ctx.logger
    )
    // The post step uploads only what the main step did not.
    if (artifactName) core.saveState(JOURNAL_STATE.uploaded, artifactName)
  }

  const report: RunReport = {
    dryRun: settings.dryRun,
    mode: 'prune',
    owner: settings.owner,
    packages: reports,
    requests: {
      rest: ctx.packages.requestCount,
      registry: ctx.registry.requestCount,
      budget: settings.requestBudget
    },
    startedAt,
    finishedAt: ctx.now(),
    journalFile: settings.journalFile,
    artifactName
  }
  await emitLog(report)
  emitAnnotations(report)
  emitOutputs(report)
  await writeStepSummary(report)
  if (pins.enabled && env.GITHUB_STEP_SUMMARY) {
    const notSelected = unselectedPins(
      pins,
      selected.map(p => p.name)
    )
    await core.summary.addRaw(renderPinsSummary(pins, [...pinned, ...notSelected]), true).write()
  }
  actionsLog.info(`Journal: ${settings.journalFile}${artifactName ? ` (artifact ${artifactName})` : ''}`)

  if (settings.validateAfter && !settings.dryRun) {
    const broken = await validateAll(ctx, selected, reports)
    if (broken > 0 && settings.failOnBroken)
      actionsLog.setFailed(`${broken} tag(s) do not resolve in full after the prune`)
  }
  const noop = noopFailure(settings.failOnNoop === true, reports)
  if (noop) actionsLog.setFailed(noop)
  if (!status.ok) actionsLog.setFailed(status.message)
  else actionsLog.info(status.message)
}

/**
 * The journal-failed stop, in words, when the journal could not be written: no delete was sent after that,
 * the deletes before are in the summary and outputs, and the user must make journal-file writable.
 */
function journalFailed(writer: JournalWriter, reports: readonly PackageReport[]): string | undefined {
  if (!writer.failed) return undefined
  const deleted = reports.reduce((n, r) => n + (r.execution?.deleted.length ?? 0), 0)
  return (
    `${writer.failed.message}: no further delete was sent; ${deleted} version(s) deleted before it are in the ` +
    'step summary and outputs. Give journal-file a path that can be written (with room to grow) and run again.'
  )
}

/**
 * fail-on-noop: a rule that matched nothing (a pattern with no tag, a pr-tag with no pull request tag) fails
 * the run, naming each; otherwise it stays a warning annotation and a summary line.
 */
export function noopFailure(failOnNoop: boolean, reports: readonly PackageReport[]): string | undefined {
  if (!failOnNoop) return undefined
  const messages = reports.flatMap(r =>
    r.plan.warnings.filter(w => w.kind === 'rule-matched-nothing').map(w => w.message)
  )
  if (messages.length === 0) return undefined
  return `fail-on-noop: ${messages.length === 1 ? 'a rule' : `${messages.length} rules`} matched nothing: ${messages.join(' ')}`
}
