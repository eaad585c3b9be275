import type { Plan } from '../planner/Plan.js'
import type { BarrierStats } from './BarrierGate.js'

/** What happened when a plan was carried out for one package (or would have, in dry-run). */
export interface RefusedDelete {
  readonly versionId: number
  readonly digest: string
  readonly status: number
  readonly message: string
}

export interface FailedDelete {
  readonly versionId: number
  readonly digest: string
  readonly error: string
}

export interface UntagResult {
  readonly versionId: number
  readonly tag: string
  /** Digest of the placeholder pushed to the tag, then deleted by exactly that digest. */
  readonly placeholderDigest?: string
  readonly ok: boolean
  readonly error?: string
}

/** A planned delete kept back for safety: something still present references it, or it was never reached. */
export interface HeldBack {
  readonly versionId: number
  readonly digest: string
  readonly reason: string
}

/** One version this run deleted, with what a restore needs to put it back in a safe order. */
export interface DeletedVersion {
  readonly versionId: number
  readonly digest: string
  readonly tags: readonly string[]
  /** ISO-8601 time the delete was answered. */
  readonly at: string
  /** Versions deleted before this one because they referenced it: restore them after it. */
  readonly after?: readonly number[]
  /** The delete answered 404: it was already gone (perhaps removed by GHCR with its index). */
  readonly gone?: boolean
}

export interface ExecutionResult {
  readonly packageName: string
  readonly dryRun: boolean
  /** Deleted by this run (204). */
  readonly deleted: readonly number[]
  /** 404 on delete: already gone. */
  readonly gone: readonly number[]
  readonly refused: readonly RefusedDelete[]
  readonly failed: readonly FailedDelete[]
  /** Planned deletes not attempted (budget used up, cancelled, or held back for safety): the backlog. */
  readonly remaining: readonly number[]
  readonly untagged: readonly UntagResult[]
  /** Why the run stopped early, if it did (`budget`, `cancelled`, `re-plan limit`, an error). */
  readonly stoppedReason?: string
  /** REST requests this package used. */
  readonly restRequests: number
  readonly registryRequests: number
  /** Why each held-back version in `remaining` was held (a parent not deleted, a kept index lists it). */
  readonly heldBack?: readonly HeldBack[]
  /** Details of `deleted` (and `gone`), in the order the deletes were answered. */
  readonly deletedVersions?: readonly DeletedVersion[]
  /** Times the plan was made again because a kept tag moved before the first delete. */
  readonly replans?: number
  /** After a re-plan: the plan actually carried out (report and journal it instead of the first one). */
  readonly executedPlan?: Plan
  /** Kept tags re-checked (HEAD) before the first delete. */
  readonly tagsRechecked?: number
  /** The write barrier's passes and requests (a real run that reached its deletes). */
  readonly barrier?: BarrierStats
}

/** A delete about to be sent, as the journal records it before the request leaves. */
export interface DeleteIntent {
  readonly versionId: number
  readonly digest: string
  readonly tags: readonly string[]
  readonly after?: readonly number[]
  /** ISO-8601. */
  readonly at: string
}

/** GitHub's answer to a delete (or its absence: `failed`), as the journal records it. */
export interface DeleteAnswer {
  readonly versionId: number
  readonly digest: string
  readonly outcome: 'deleted' | 'already-gone' | 'refused' | 'failed' | 'rate-limited'
  readonly status?: number
  readonly message?: string
  /** ISO-8601. */
  readonly at: string
}

/**
 * Where the executor records each delete before it is sent and the answer after. A rejected promise means
 * the record could not be written: that delete is not sent and no further one is.
 */
export interface DeleteJournal {
  intent(entry: DeleteIntent): Promise<void>
  result(entry: DeleteAnswer): Promise<void>
}
