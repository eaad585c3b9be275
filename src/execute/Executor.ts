import { AuthenticationError, RateLimitError, RequestBudgetError } from '../github/errors.js'
import type { PackagesApi } from '../github/PackagesApi.js'
import { silentLogger, type Logger } from '../log/Logger.js'
import type { PackageRef } from '../model/PackageVersion.js'
import type { Decision } from '../planner/Decision.js'
import type { ManifestFact } from '../model/ManifestFact.js'
import type { Plan } from '../planner/Plan.js'
import type { ManifestSource } from '../registry/ManifestSource.js'
import { BarrierGate } from './BarrierGate.js'
import { buildDeleteGraph } from './DeleteGraph.js'
import type {
  DeleteAnswer,
  DeleteJournal,
  DeletedVersion,
  ExecutionResult,
  FailedDelete,
  HeldBack,
  RefusedDelete,
  UntagResult
} from './ExecutionResult.js'
import { runOrdered } from './OrderedPool.js'
import { findMovedTags, tagsToRecheck, type MovedTag } from './Preflight.js'
import type { RequestBudget } from './RequestBudget.js'
import { untag, type UntagRequest } from './Untag.js'
import { listedTags } from './WriteBarrier.js'
import { DELETE_PROGRESS_INTERVAL_MS, formatCount, ProgressLine } from '../log/progress.js'

/** A plan together with the manifests it was made from (they tell the executor who references whom). */
export interface PlannedPackage {
  readonly plan: Plan
  readonly manifests?: ReadonlyMap<string, ManifestFact>
  /**
   * Tag → digest as the listing showed them (WriteBarrier.listedTags): the write barrier looks for tags that
   * differ from these. Without it, the plan's decisions (one per listed version, with its tags) stand in.
   */
  readonly listed?: ReadonlyMap<string, string>
}

export interface ExecuteDeps {
  readonly packages: PackagesApi
  /** Also read by the write barrier (tag list, HEADs, manifests) right before and while deleting. */
  readonly registry: ManifestSource
  readonly pkg: PackageRef
  /** Registry repository path (`owner/name`, lowercase). */
  readonly repository: string
  readonly dryRun: boolean
  /** Shared by every package of the run. */
  readonly budget: RequestBudget
  /** Fired by SIGINT/SIGTERM: no new request starts, in-flight ones finish, the result is still returned. */
  readonly signal?: AbortSignal
  /** Deletes in flight at once. Default 4. */
  readonly concurrency?: number
  readonly logger?: Logger
  /** The manifests the plan was made from. Without them only platform images are ordered after their index. */
  readonly manifests?: ReadonlyMap<string, ManifestFact>
  /** Lists and plans the package again; called when a kept tag moved since planning. */
  readonly replan?: () => Promise<Plan | PlannedPackage>
  /** Called after each delete GitHub confirmed (or answered 404). */
  readonly onDeleted?: (deleted: DeletedVersion) => void
  /** Records each delete before it is sent and its answer after; a journal that fails stops the deletes. */
  readonly journal?: DeleteJournal
  /** Re-plans allowed before giving up on the package for this run. Default 2. */
  readonly maxReplans?: number
  /** Newest kept roots whose tags are re-checked besides those sharing content with deletes. Default 10. */
  readonly recheckRecentTagged?: number
  /** Failed deletes (errors, not refusals) in a row that stop the package. Default 5. */
  readonly maxConsecutiveFailures?: number
  /** Options for the placeholder-version lookup of untag. */
  readonly untagPollAttempts?: number
  readonly untagPollDelayMs?: number
  /** Epoch ms; also paces the write barrier's passes (one at least every `barrierIntervalMs` while deleting). */
  readonly now?: () => number
  /** Default BARRIER_INTERVAL_MS (a minute); shorter only in tests, which inject `now` instead where they can. */
  readonly barrierIntervalMs?: number
}

/**
 * Carries out one package's plan. Never throws: whatever goes wrong ends up in the result (`failed`,
 * `refused`, `remaining`, `stoppedReason`) so one package's trouble does not stop the others.
 *
 * Safety: a version is deleted only after every planned delete that references it is gone, and never while a
 * kept index lists it; a refused or failed delete holds back everything under it. So at any point of an
 * interruption every present manifest — in particular every tag — still has all it references.
 */
export async function execute(initial: Plan | PlannedPackage, deps: ExecuteDeps): Promise<ExecutionResult> {
  const logger = deps.logger ?? silentLogger
  const now = deps.now ?? Date.now
  const restStart = deps.packages.requestCount
  const registryStart = deps.registry.requestCount
  let { plan, manifests, listed } = asPlanned(initial, deps.manifests)
  let replans = 0
  let tagsRechecked = 0

  const deleted: number[] = []
  const gone: number[] = []
  const refused: RefusedDelete[] = []
  const failed: FailedDelete[] = []
  const heldBack: HeldBack[] = []
  const deletedVersions: DeletedVersion[] = []
  let remaining: number[] = []
  let untagged: UntagResult[] = []
  let stoppedReason: string | undefined
  let gate: BarrierGate | undefined
  // Per-delete lines are the report's job (with every annotation); a long run still shows it is moving: a
  // line when deletes start, then at least once a minute (done, left, rate), and one when the last is done.
  let deleting: ProgressLine | undefined
  let deletesStarted = 0
  const progressLine = (): string => {
    const done = deleted.length + gone.length
    const left = Math.max(0, plan.deleteOrder.length - done)
    const minutes = (now() - deletesStarted) / 60_000
    const rate = minutes > 0 ? Math.round(done / minutes) : 0
    return `${deps.pkg.name}: deletes ${formatCount(done)} done, ${formatCount(left)} left, ${formatCount(rate)} a minute`
  }
  const progress = (): void => {
    if (deleted.length + gone.length === plan.deleteOrder.length) logger.info(progressLine())
    else deleting?.report(progressLine)
  }

  const finish = (): ExecutionResult => ({
    packageName: deps.pkg.name,
    dryRun: deps.dryRun,
    deleted,
    gone,
    refused,
    failed,
    remaining,
    untagged,
    ...(stoppedReason !== undefined ? { stoppedReason } : {}),
    restRequests: deps.packages.requestCount - restStart,
    registryRequests: deps.registry.requestCount - registryStart,
    ...(heldBack.length > 0 ? { heldBack } : {}),
    ...(deletedVersions.length > 0 ? { deletedVersions } : {}),
    ...(replans > 0 ? { replans, executedPlan: plan } : {}),
    ...(tagsRechecked > 0 ? { tagsRechecked } : {}),
    ...(gate ? { barrier: gate.stats } : {})
  })

  try {
    if (plan.blocked !== undefined) {
      stoppedReason = `blocked by the safety cap: ${plan.blocked}`
      return finish()
    }

    // Before the first delete: a kept tag that moved since planning invalidates the plan.
    let recheck: string[] = []
    if (!deps.dryRun) {
      const maxReplans = deps.maxReplans ?? 2
      for (;;) {
        if (deps.signal?.aborted) {
          stoppedReason = 'cancelled'
          remaining = [...plan.deleteOrder]
          return finish()
        }
        const checks = tagsToRecheck(plan, manifests, deps.recheckRecentTagged)
        tagsRechecked += checks.length
        recheck = checks.map(c => c.tag)
        let moved: MovedTag[]
        try {
          moved = await findMovedTags(checks, deps.registry, deps.repository, deps.concurrency ?? 4)
        } catch (error) {
          stoppedReason = errorMessage(error)
          remaining = [...plan.deleteOrder]
          logger.warning(`${deps.pkg.name}: ${stoppedReason}; nothing deleted`)
          return finish()
        }
        if (moved.length === 0) break
        const what = moved.map(m => `${m.tag} (${m.expected} → ${m.actual ?? 'gone'})`).join(', ')
        if (!deps.replan || replans >= maxReplans) {
          stoppedReason = `re-plan limit: kept tags moved since planning: ${what}`
          remaining = [...plan.deleteOrder]
          logger.warning(`${deps.pkg.name}: ${stoppedReason}; nothing deleted, the next run plans afresh`)
          return finish()
        }
        replans++
        logger.info(
          `${deps.pkg.name}: kept tags moved since planning: ${what}; planning again (${replans}/${maxReplans})`
        )
        try {
          ;({ plan, manifests, listed } = asPlanned(await deps.replan(), manifests))
        } catch (error) {
          stoppedReason = `re-planning failed: ${errorMessage(error)}`
          remaining = [...plan.deleteOrder]
          return finish()
        }
        if (plan.blocked !== undefined) {
          stoppedReason = `blocked by the safety cap: ${plan.blocked}`
          return finish()
        }
      }
    }

    const byId = new Map(plan.decisions.map(d => [d.versionId, d]))
    const graph = buildDeleteGraph(plan, manifests)
    const order: number[] = []
    for (const id of plan.deleteOrder) {
      const reason = graph.held.get(id)
      if (reason !== undefined) {
        heldBack.push({ versionId: id, digest: byId.get(id)?.digest ?? '', reason })
        logger.warning(`${deps.pkg.name}: not deleting package_version=${id}: ${reason}`)
        remaining.push(id)
      } else {
        order.push(id)
      }
    }

    if (deps.dryRun) {
      if (order.length > 0) {
        logger.info(
          `${deps.pkg.name}: a real run reads the registry's tags again right before its first delete and at ` +
            'least every minute while deleting, and keeps what a tag new or moved since the listing reaches'
        )
      }
      deleted.push(...new Set(order))
      untagged = untagRequests(plan).map(r => ({ versionId: r.versionId, tag: r.tag, ok: true }))
      return finish()
    }

    // The write barrier, right before the first delete: tags new or moved since the listing (a re-tag, a new
    // index over planned deletes, an index the listing missed) hold what they reach. A pass that fails sends
    // no delete at all.
    const digestOf = (id: number): string => byId.get(id)?.digest ?? ''
    gate = new BarrierGate({
      packageName: deps.pkg.name,
      repository: deps.repository,
      registry: deps.registry,
      listed: listed ?? listedFromDecisions(plan),
      planned: new Map(order.map(id => [id, digestOf(id)])),
      recheck,
      now,
      ...(deps.barrierIntervalMs !== undefined ? { intervalMs: deps.barrierIntervalMs } : {}),
      concurrency: deps.concurrency ?? 4,
      logger
    })
    if (order.length > 0) {
      try {
        await gate.start()
      } catch (error) {
        stoppedReason = errorMessage(error)
        remaining = [...plan.deleteOrder]
        logger.warning(`${deps.pkg.name}: ${stoppedReason}; nothing deleted`)
        return finish()
      }
    }
    const barrierHeld = new Map<number, string>()

    const maxFailures = deps.maxConsecutiveFailures ?? 5
    let consecutiveFailures = 0
    let lastError = ''
    /** Set when a delete shows that no further request can succeed (rate limit gone, token rejected). */
    let halt: string | undefined
    const interrupted: number[] = []
    deletesStarted = now()
    deleting = new ProgressLine(logger, now, DELETE_PROGRESS_INTERVAL_MS)
    if (order.length > 0)
      logger.info(
        `${deps.pkg.name}: deleting ${formatCount(order.length)} ${order.length === 1 ? 'version' : 'versions'}`
      )
    const pool = await runOrdered<number>({
      order,
      after: graph.after,
      // A referrer left out of `order` stays: what it references must too (the graph holds those already).
      outside: 'hold',
      concurrency: deps.concurrency ?? 4,
      gate: () => {
        if (deps.signal?.aborted) return 'cancelled'
        if (halt !== undefined) return halt
        if (consecutiveFailures >= maxFailures) {
          return `stopped after ${consecutiveFailures} failed deletes in a row (last: ${lastError})`
        }
        if (!deps.budget.tryAcquire()) return deps.budget.exhausted ?? 'request budget used up'
        return undefined
      },
      run: async id => {
        const d = byId.get(id)
        const digest = d?.digest ?? ''
        const label = describe(deps.pkg.name, id, d)
        // The barrier before the journal: a version it holds gets no intent, so the journal never shows a
        // delete that was not sent. A pass is due once a minute has passed since the last one.
        try {
          const hold = await gate!.check(id)
          if (hold) {
            const reason = `write barrier: ${hold.reason}`
            barrierHeld.set(id, reason)
            heldBack.push({ versionId: id, digest, reason })
            remaining.push(id)
            deps.budget.release()
            return false
          }
        } catch (error) {
          halt ??= errorMessage(error)
          interrupted.push(id)
          deps.budget.release()
          return false
        }
        // The pass may have taken a while: a cancellation or a stop meanwhile still keeps this delete unsent.
        if (deps.signal?.aborted) halt ??= 'cancelled'
        if (halt !== undefined) {
          interrupted.push(id)
          deps.budget.release()
          return false
        }
        // No delete without a record: the intent is on disk before the request leaves; the answer follows it.
        const answered = async (a: Omit<DeleteAnswer, 'versionId' | 'digest' | 'at'>): Promise<void> => {
          if (!deps.journal) return
          try {
            await deps.journal.result({ versionId: id, digest, at: new Date(now()).toISOString(), ...a })
          } catch (error) {
            // A journal that cannot be written outranks any other stop: the user must act on it.
            halt = errorMessage(error)
          }
        }
        if (deps.journal) {
          try {
            const after = graph.after.get(id)
            await deps.journal.intent({
              versionId: id,
              digest,
              tags: d?.tags ?? [],
              ...(after && after.length > 0 ? { after } : {}),
              at: new Date(now()).toISOString()
            })
          } catch (error) {
            halt = errorMessage(error)
            interrupted.push(id)
            deps.budget.release()
            return false
          }
        }
        try {
          const outcome = await deps.packages.deleteVersion(deps.pkg, id)
          consecutiveFailures = 0
          await answered(
            outcome.kind === 'refused'
              ? { outcome: 'refused', status: outcome.status, message: outcome.message }
              : { outcome: outcome.kind === 'gone' ? 'already-gone' : 'deleted' }
          )
          const record = (isGone: boolean): void => {
            const after = graph.after.get(id)
            const entry: DeletedVersion = {
              versionId: id,
              digest,
              tags: d?.tags ?? [],
              at: new Date(now()).toISOString(),
              ...(after && after.length > 0 ? { after } : {}),
              ...(isGone ? { gone: true } : {})
            }
            deletedVersions.push(entry)
            deps.onDeleted?.(entry)
          }
          switch (outcome.kind) {
            case 'deleted':
              deleted.push(id)
              record(false)
              logger.debug(`deleted ${label}`)
              progress()
              return true
            case 'gone':
              gone.push(id)
              record(true)
              logger.debug(`already gone ${label}`)
              progress()
              return true
            case 'refused':
              refused.push({ versionId: id, digest, status: outcome.status, message: outcome.message })
              logger.warning(`GitHub refused to delete ${label}: ${outcome.status} ${outcome.message}`)
              return false
          }
        } catch (error) {
          // Not this version's fault, and nothing was done to it: it stays in the backlog, and the run stops
          // like a budget stop. The budget refusing the first attempt means it never left.
          const notSent =
            error instanceof RateLimitError
              ? `primary rate limit used up: ${error.message}`
              : error instanceof RequestBudgetError && !error.retry
                ? error.message
                : undefined
          if (notSent !== undefined) {
            halt ??= notSent
            interrupted.push(id)
            await answered({ outcome: 'rate-limited', message: (error as Error).message })
            return false
          }
          if (error instanceof RequestBudgetError) {
            // A retry refused: the first attempt failed and may still have taken effect, so this is a failed
            // delete (journal: "may have happened"), and the run stops there as for any budget stop.
            const message = `${error.message}; the delete was not retried`
            halt ??= error.message
            await answered({ outcome: 'failed', message })
            failed.push({ versionId: id, digest, error: message })
            return false
          }
          if (error instanceof AuthenticationError) halt ??= error.message
          consecutiveFailures++
          lastError = errorMessage(error)
          await answered({ outcome: 'failed', message: lastError })
          failed.push({ versionId: id, digest, error: lastError })
          logger.warning(`failed to delete ${label}: ${lastError}`)
          return false
        } finally {
          gate!.sent(id)
          deps.budget.release()
        }
      }
    })
    const window = gate.windowLine()
    if (window) logger.info(window)

    remaining.push(...interrupted)
    for (const [id, because] of pool.held) {
      const cause = barrierHeld.get(because) ?? describeFailure(because, refused, failed)
      heldBack.push({
        versionId: id,
        digest: byId.get(id)?.digest ?? '',
        reason: `held back: package_version=${because} that references it was not deleted (${cause})`
      })
      remaining.push(id)
    }
    remaining.push(...pool.notStarted)
    if (pool.stoppedReason !== undefined || halt !== undefined) {
      stoppedReason = pool.stoppedReason ?? halt
      logger.warning(
        `${deps.pkg.name}: stopped (${stoppedReason}); ${pool.notStarted.length} planned deletes left for the next run`
      )
      untagged = untagRequests(plan).map(r => ({
        versionId: r.versionId,
        tag: r.tag,
        ok: false,
        error: `not attempted (${stoppedReason})`
      }))
      return finish()
    }

    const requests = untagRequests(plan)
    if (requests.length > 0) {
      untagged = await untag(requests, {
        packages: deps.packages,
        registry: deps.registry,
        pkg: deps.pkg,
        repository: deps.repository,
        budget: deps.budget,
        signal: deps.signal,
        logger,
        pollAttempts: deps.untagPollAttempts,
        pollDelayMs: deps.untagPollDelayMs
      })
      const notAttempted = untagged.find(u => !u.ok && u.error?.startsWith('not attempted'))
      if (notAttempted && stoppedReason === undefined) {
        stoppedReason = deps.signal?.aborted
          ? 'cancelled'
          : (deps.budget.exhausted ?? 'request budget used up')
      }
    }
    return finish()
  } catch (error) {
    // A bug or an unexpected client error: report it on this package, let the others run.
    stoppedReason = `unexpected error: ${errorMessage(error)}`
    const settled = new Set([
      ...deleted,
      ...gone,
      ...refused.map(r => r.versionId),
      ...failed.map(f => f.versionId)
    ])
    remaining = [...new Set([...remaining, ...plan.deleteOrder.filter(id => !settled.has(id))])]
    return finish()
  }
}

function asPlanned(
  value: Plan | PlannedPackage,
  fallback: ReadonlyMap<string, ManifestFact> | undefined
): { plan: Plan; manifests?: ReadonlyMap<string, ManifestFact>; listed?: ReadonlyMap<string, string> } {
  if ('decisions' in value) return { plan: value, manifests: fallback }
  return {
    plan: value.plan,
    manifests: value.manifests ?? fallback,
    ...(value.listed ? { listed: value.listed } : {})
  }
}

/** The listing's tags as the plan carries them: one decision per listed version, with its own tags. */
function listedFromDecisions(plan: Plan): Map<string, string> {
  return listedTags(
    plan.decisions.map(d => ({ id: d.versionId, digest: d.digest, tags: d.tags, createdAt: 0, updatedAt: 0 }))
  )
}

function untagRequests(plan: Plan): UntagRequest[] {
  const out: UntagRequest[] = []
  for (const d of plan.decisions) {
    if (d.action !== 'keep' || !d.untagTags) continue
    for (const tag of d.untagTags) out.push({ versionId: d.versionId, digest: d.digest, tag })
  }
  return out
}

/** The `#90` log vocabulary: `app:<untagged> package_version=… digest=…`. */
function describe(pkgName: string, id: number, d: Decision | undefined): string {
  const tags = d && d.tags.length > 0 ? d.tags.join(',') : '<untagged>'
  return `${pkgName}:${tags} package_version=${id}${d ? ` digest=${d.digest}` : ''}`
}

function describeFailure(
  id: number,
  refused: readonly RefusedDelete[],
  failed: readonly FailedDelete[]
): string {
  const r = refused.find(x => x.versionId === id)
  if (r) return `refused: ${r.status} ${r.message}`
  const f = failed.find(x => x.versionId === id)
  return f ? `failed: ${f.error}` : 'not deleted'
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
