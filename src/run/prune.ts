import { execute, type PlannedPackage } from '../execute/Executor.js'
import type { DeleteJournal, DeletedVersion, ExecutionResult } from '../execute/ExecutionResult.js'
import type { PackageInfo } from '../github/PackagesApi.js'
import type { PackageRef } from '../model/PackageVersion.js'
import { nextFetches } from '../planner/fetchPlan.js'
import { plan } from '../planner/planner.js'
import { fetchAll } from '../registry/fetchAll.js'
import type { PackageReport } from '../report/RunReport.js'
import { listVersionsChecked } from '../github/checkedListing.js'
import { listedTags } from '../execute/WriteBarrier.js'
import { formatCount, PROGRESS_INTERVAL_MS, ProgressLine } from '../log/progress.js'
import { repositoryOf, type RunContext } from './RunContext.js'

/**
 * Deletes in flight at once. GitHub counts deletes against its content-creation limit (80 a minute); the
 * client spaces them out, so more in flight would only queue inside the client, where a cancel cannot drop them.
 */
export const DELETE_CONCURRENCY = 2

export interface PrunedPackage extends PackageReport {
  readonly execution: ExecutionResult
}

/** Lists, reads and plans one package: pure planning on facts gathered here. */
export async function planPackage(ctx: RunContext, pkg: PackageRef): Promise<PlannedPackage> {
  const listing = await listVersionsChecked(ctx.packages, pkg, { logger: ctx.logger, now: ctx.now })
  const versions = listing.versions
  ctx.logger.debug(`${pkg.name}: ${versions.length} versions listed`)
  const reading = new ProgressLine(ctx.logger, ctx.now, PROGRESS_INTERVAL_MS)
  const { facts, rounds, truncated } = await fetchAll(
    ctx.registry,
    repositoryOf(pkg),
    versions,
    nextFetches,
    {
      onRead: (read, known) =>
        reading.report(() => {
          const width = ctx.registry.concurrency?.current
          return (
            `${pkg.name}: read ${formatCount(read)} of ${formatCount(known)} manifests` +
            (width !== undefined ? ` (${width} at once)` : '')
          )
        })
    }
  )
  ctx.logger.debug(
    `${pkg.name}: ${facts.size} manifests read in ${rounds} rounds${truncated ? ' (truncated)' : ''}` +
      (ctx.registry.concurrency ? `, up to ${ctx.registry.concurrency.peak} at once` : '')
  )
  const repoState = await ctx.repoState?.forVersions(versions, ctx.budget)
  const p = plan(
    {
      packageName: pkg.name,
      versions,
      manifests: facts,
      now: ctx.now(),
      ...(repoState ? { repoState } : {}),
      ...(listing.trusted ? {} : { listingTrusted: false, listingMoves: listing.moves.join(' | ') })
    },
    ctx.settings.policy
  )
  // The barrier compares the registry's tags right before deleting with these.
  return { plan: p, manifests: facts, listed: listedTags(versions) }
}

/**
 * Plans and carries out one package. Whatever goes wrong stays inside this package's result, so the next
 * package still runs; a failure before any plan exists is reported as a failed package with an empty plan.
 */
export async function prunePackage(
  ctx: RunContext,
  info: PackageInfo,
  progress?: {
    /** Each plan, the re-plans included (the last one is the plan carried out). */
    onPlanned?: (p: PlannedPackage) => void
    onDeleted?: (d: DeletedVersion) => void
    journal?: DeleteJournal
  }
): Promise<PrunedPackage> {
  const pkg: PackageRef = { owner: info.owner, name: info.name }
  const planned = await planPackage(ctx, pkg)
  progress?.onPlanned?.(planned)
  const execution = await execute(planned, {
    packages: ctx.packages,
    registry: ctx.registry,
    pkg,
    repository: repositoryOf(pkg),
    dryRun: ctx.settings.dryRun,
    budget: ctx.budget,
    signal: ctx.signal,
    logger: ctx.logger,
    manifests: planned.manifests,
    replan: async () => {
      const again = await planPackage(ctx, pkg)
      progress?.onPlanned?.(again)
      return again
    },
    concurrency: DELETE_CONCURRENCY,
    now: ctx.now,
    ...(progress?.onDeleted ? { onDeleted: progress.onDeleted } : {}),
    ...(progress?.journal ? { journal: progress.journal } : {})
  })
  // After a re-plan (a kept tag moved before the first delete) the executed plan is the one to report.
  return { plan: execution.executedPlan ?? planned.plan, manifests: planned.manifests, execution }
}
