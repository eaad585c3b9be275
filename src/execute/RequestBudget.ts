import type { RateBudget } from '../github/PackagesApi.js'

/** What the budget watches: the REST client's running request count and the last `x-ratelimit-*` headers. */
export interface BudgetSource {
  readonly requestCount: number
  readonly budget: RateBudget
}

/** Share of the primary limit left untouched by default, so other jobs using the same token keep working. */
export const DEFAULT_RESERVE_FRACTION = 0.1

/**
 * Requests of an explicit budget kept for retries (at most 4, 1 per 100): reservations stop short of the limit
 * by this much, so a retry of the last reserved deletes still fits, and only a run of retries larger than the
 * reserve meets the hard stop below.
 */
export function retryReserve(limit: number): number {
  return Math.min(4, Math.floor(limit / 100))
}

/**
 * The REST request budget of one run (shared by every package of the run). Registry reads never count: they
 * are not part of the REST rate limit.
 *
 * - With an explicit `request-budget`, at most that many REST requests are sent, counted from the moment the
 *   budget was created (listing included, so create it before the first request of the run).
 * - Without one, the run stops while `reserveFraction` of the primary limit remains, as last reported by the
 *   `x-ratelimit-*` headers. When GitHub reports no limit (GHES with rate limits off), nothing stops the run.
 * - Either way no request is sent once the primary limit is used up: the client would otherwise sleep until
 *   the hourly reset, and the next scheduled run is the better place to continue.
 *
 * Concurrent callers reserve requests with `tryAcquire` and hand them back with `release` when the request has
 * settled; reserved-but-unsettled requests count as spent, so the budget may stop up to `concurrency`
 * requests early, never late.
 *
 * Reservations alone cannot hold an explicit budget: pages listed in parallel and retries are requests nobody
 * reserved. So the REST client asks `admit` before every attempt it sends (PackagesClient.limitRequests), and
 * the budget refuses the one that would cross `limit`: the hard stop. `admit` counts synchronously, so
 * attempts started together cannot all slip through on the same count.
 */
export class RequestBudget {
  private readonly base: number
  private pending = 0
  /** Attempts `admit` let through; ahead of `used` by those not yet at the transport. */
  private admitted = 0
  private stopReason?: string

  private constructor(
    private readonly source: BudgetSource,
    /** Explicit number of REST requests the run may send. */
    readonly limit: number | undefined,
    private readonly reserveFraction: number
  ) {
    this.base = source.requestCount
  }

  /** `limit` undefined = derived from the primary rate limit (stop while `reserveFraction` of it remains). */
  static create(
    source: BudgetSource,
    limit?: number,
    reserveFraction = DEFAULT_RESERVE_FRACTION
  ): RequestBudget {
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
      throw new RangeError(`request budget must be a whole number ≥ 0, got ${JSON.stringify(limit)}`)
    }
    return new RequestBudget(source, limit, reserveFraction)
  }

  /** REST requests sent since the budget was created (retries included). */
  get used(): number {
    return this.source.requestCount - this.base
  }

  /** Requests sent or admitted and about to be: what the budget counts as spent. */
  private get spent(): number {
    return Math.max(this.used, this.admitted)
  }

  /**
   * Asked by the REST client right before it sends an attempt (first or retry). Undefined lets it go and
   * counts it; a reason refuses it, and the budget stays exhausted. Only an explicit `limit` refuses here:
   * the primary rate limit has the client's own throttling.
   */
  admit(): string | undefined {
    if (this.limit !== undefined && this.spent + 1 > this.limit) {
      this.stopReason ??= this.usedUp()
      return this.stopReason
    }
    this.admitted = this.spent + 1
    return undefined
  }

  /** Set once the budget refused a request: why the run stopped. */
  get exhausted(): string | undefined {
    return this.stopReason
  }

  /**
   * Reserves `n` REST requests. False (and `exhausted` says why) when sending them would cross the budget;
   * once refused, the budget stays exhausted for the rest of the run so packages do not start half-way.
   */
  tryAcquire(n = 1): boolean {
    if (this.stopReason !== undefined) return false
    const reason = this.refusal(n)
    if (reason !== undefined) {
      this.stopReason = reason
      return false
    }
    this.pending += n
    return true
  }

  /** Hands back a reservation once its request has settled (its cost is now in `requestCount`). */
  release(n = 1): void {
    this.pending = Math.max(0, this.pending - n)
  }

  /** Would `n` more requests fit, without reserving them. */
  allows(n = 1): boolean {
    return this.stopReason === undefined && this.refusal(n) === undefined
  }

  private refusal(n: number): string | undefined {
    if (this.limit !== undefined && this.spent + this.pending + n > this.limit - retryReserve(this.limit)) {
      return this.usedUp()
    }
    const { limit, remaining, reset } = this.source.budget
    if (remaining === undefined) return undefined
    const floor =
      this.limit === undefined && limit !== undefined ? Math.floor(limit * this.reserveFraction) : 0
    if (remaining - this.pending - n < floor) {
      const when = reset !== undefined ? `, resets at ${new Date(reset * 1000).toISOString()}` : ''
      return this.limit === undefined && limit !== undefined
        ? `primary rate limit nearly used: ${remaining} of ${limit} requests left, stopping while ` +
            `${Math.round(this.reserveFraction * 100)} % remains${when}`
        : `primary rate limit used up: ${remaining} requests left${when}`
    }
    return undefined
  }

  private usedUp(): string {
    const inFlight = this.pending > 0 ? `, ${this.pending} in flight` : ''
    const kept = retryReserve(this.limit ?? 0)
    const reserve = kept > 0 ? `, ${kept} kept for retries` : ''
    return `request-budget of ${this.limit} REST requests used up (${this.spent} sent${inFlight}${reserve})`
  }

  describe(): string {
    const rate = this.source.budget
    const rl = rate.remaining !== undefined ? `; rate limit ${rate.remaining}/${rate.limit ?? '?'} left` : ''
    return this.limit !== undefined
      ? `${this.used} of ${this.limit} REST requests used${rl}`
      : `${this.used} REST requests used${rl}`
  }
}
