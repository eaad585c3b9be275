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
}
