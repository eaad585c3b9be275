import type { Logger } from '../log/Logger.js'
import {
  BARRIER_INTERVAL_MS,
  remainingWindowLine,
  writeBarrier,
  type BarrierHold,
  type BarrierRegistry,
  type BarrierResult
} from './WriteBarrier.js'

/** Tries of one pass before it stops the deletes. */
const PASS_ATTEMPTS = 2

/** A barrier pass failed or could not read a new tag's closure: no further delete may be sent this run. */
export class BarrierStop extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'BarrierStop'
  }
}

export interface BarrierGateOptions {
  readonly packageName: string
  readonly repository: string
  /** With `requestCount` (RegistryClient has it), the stats say how many registry requests the passes sent. */
  readonly registry: BarrierRegistry & { readonly requestCount?: number }
  /** Tag → digest of the listing the plan was made from (WriteBarrier.listedTags). */
  readonly listed: ReadonlyMap<string, string>
  /** Planned deletes: version id → digest, in any order. */
  readonly planned: ReadonlyMap<number, string>
  /** Listed tags HEADed on every pass too (e.g. the preflight's floating tags). */
  readonly recheck?: readonly string[]
  readonly now: () => number
  /** Default BARRIER_INTERVAL_MS (a minute). */
  readonly intervalMs?: number
  readonly concurrency?: number
  readonly logger?: Logger
}

export interface BarrierStats {
  readonly passes: number
  readonly heads: number
  readonly manifestsWalked: number
  /**
   * Registry requests the passes sent (tag-list pages, HEADs, manifest GETs the run's cache did not answer,
   * token renewals): the barrier's cost on top of the listing-and-reading minimum. Counted while a pass runs;
   * nothing else of the executor talks to the registry while it deletes.
   */
  readonly requests: number
  /** Planned deletes the barrier held (each id once). */
  readonly held: number
}

/**
 * The write barrier as the executor uses it: one pass before the first delete (`start`), another whenever a
 * delete is about to start and the last pass began `intervalMs` ago or more (`check`; concurrent deletes
 * share the one pass in flight), and the window that remains (`windowLine`). A version held once stays held
 * for the run. Every pass asks only about the deletes not yet sent.
 */
export class BarrierGate {
  /** Held planned deletes by version id (every id of a held digest). */
  readonly held = new Map<number, BarrierHold>()
  /** Cleared by `check` (about to be sent) or sent: no later pass asks about them. */
  private readonly sentIds = new Set<number>()
  private lastPassAt?: number
  private lastDeleteAt?: number
  private deletesSinceLastPass = 0
  private inFlight?: Promise<void>
  private passes = 0
  private heads = 0
  private walked = 0
  private requests = 0

  constructor(private readonly options: BarrierGateOptions) {}

  /** The pass before the first delete. Throws BarrierStop: then send no delete. */
  async start(): Promise<void> {
    await this.pass()
  }

  /**
   * Right before deleting `versionId`: runs a pass when one is due, then says whether the version is held (do
   * not delete it; treat it like a refused delete, so everything that waits on it stays too). Throws
   * BarrierStop when a pass fails: send no further delete. A version cleared here is the caller's to send: a
   * later pass (started for another delete while this one's request is prepared) neither asks about it nor
   * reports it held.
   */
  async check(versionId: number): Promise<BarrierHold | undefined> {
    if (this.lastPassAt === undefined || this.options.now() - this.lastPassAt >= this.interval) {
      await this.pass()
    } else if (this.inFlight) {
      await this.inFlight
    }
    const hold = this.held.get(versionId)
    if (!hold) this.sentIds.add(versionId)
    return hold
  }

  /** After a DELETE for `versionId` was sent (whatever its answer). */
  sent(versionId: number): void {
    this.sentIds.add(versionId)
    this.lastDeleteAt = this.options.now()
    this.deletesSinceLastPass++
  }

  /** The log line stating the window no client can close (undefined when no delete followed a pass). */
  windowLine(): string | undefined {
    if (this.lastPassAt === undefined || this.lastDeleteAt === undefined) return undefined
    return remainingWindowLine(this.options.packageName, {
      lastCheckAt: this.lastPassAt,
      lastDeleteAt: this.lastDeleteAt,
      deletesSince: this.deletesSinceLastPass
    })
  }

  get stats(): BarrierStats {
    return {
      passes: this.passes,
      heads: this.heads,
      manifestsWalked: this.walked,
      requests: this.requests,
      held: this.held.size
    }
  }

  private get interval(): number {
    return this.options.intervalMs ?? BARRIER_INTERVAL_MS
  }

  private pass(): Promise<void> {
    this.inFlight ??= this.runPass().finally(() => {
      this.inFlight = undefined
    })
    return this.inFlight
  }

  /**
   * A pass that fails once (the tag list or a HEAD failing after the client's own retries, say a 5xx and then
   * an expired token) is run again at once: with a pass every minute, a run would otherwise stop on the first
   * transient fault. A second failure in a row stops the deletes.
   */
  private async runPass(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.passOnce()
        return
      } catch (error) {
        if (attempt >= PASS_ATTEMPTS || !(error instanceof BarrierStop)) throw error
        const what = error.message.replace(/; no further delete this run$/, '')
        this.options.logger?.info(`${this.options.packageName}: ${what}; reading the tags again`)
      }
    }
  }

  private async passOnce(): Promise<void> {
    const o = this.options
    const startedAt = o.now()
    const planned = new Set<string>()
    for (const [id, digest] of o.planned) if (!this.sentIds.has(id) && !this.held.has(id)) planned.add(digest)
    const requestsBefore = o.registry.requestCount
    let result: BarrierResult
    try {
      result = await writeBarrier(o.registry, {
        repository: o.repository,
        listed: o.listed,
        planned,
        ...(o.recheck ? { recheck: o.recheck } : {}),
        ...(o.concurrency ? { concurrency: o.concurrency } : {})
      })
    } catch (error) {
      this.countRequests(requestsBefore)
      throw new BarrierStop(
        `write barrier: could not read the registry's tags (${error instanceof Error ? error.message : String(error)}); no further delete this run`,
        { cause: error }
      )
    }
    this.countRequests(requestsBefore)
    this.passes++
    this.heads += result.heads
    this.walked += result.manifestReads
    this.lastPassAt = startedAt
    this.deletesSinceLastPass = 0
    for (const [id, digest] of o.planned) {
      const hold = result.held.get(digest)
      if (!hold || this.held.has(id) || this.sentIds.has(id)) continue
      this.held.set(id, hold)
      o.logger?.warning(
        `${o.packageName}: not deleting package_version=${id} (${digest}): ${hold.reason} (write barrier)`
      )
    }
    if (!result.complete) {
      throw new BarrierStop(
        `write barrier: a tag new since the listing could not be followed (${result.unreadable.join('; ')}); no further delete this run`
      )
    }
  }

  private countRequests(before: number | undefined): void {
    const after = this.options.registry.requestCount
    if (before !== undefined && after !== undefined) this.requests += after - before
  }
}
