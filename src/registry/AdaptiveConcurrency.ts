import pLimit, { type LimitFunction } from 'p-limit'
import { parseRetryAfter } from '../http/backoff.js'
import { sleep } from '../http/sleep.js'
import { silentLogger, type Logger } from '../log/Logger.js'

/** Where adaptive reads start: twice the old fixed 8, below any registry limit we have seen reported. */
export const START_CONCURRENCY = 16
/** The default ceiling (and the most `max-concurrency` accepts). */
export const MAX_CONCURRENCY = 64

export interface AdaptiveConcurrencyOptions {
  /** The most requests in flight; the limit never rises above it. Default 64. */
  readonly ceiling?: number
  /** The first limit; never above the ceiling. Default 16. */
  readonly start?: number
  /** Multiplies `Retry-After` pauses (tests run the real schedule in milliseconds); 1 in production. */
  readonly timeScale?: number
  /** A longer `Retry-After` (before scaling) is not waited for here: the request fails instead (see retry.ts). */
  readonly maxPauseMs?: number
  readonly logger?: Logger
  /** Epoch ms; injected by tests. */
  readonly now?: () => number
}

/** When a request was sent: the window (decreases so far) and the limit then. */
export interface Sent {
  readonly epoch: number
  readonly limit: number
}

/** What the limiter learns from one answer. */
export interface Answer {
  readonly status: number
  readonly headers: { get(name: string): string | null }
}

/**
 * How many registry requests run at once, learnt from the registry's answers (AIMD, as TCP congestion control
 * does it, RFC 5681):
 * - start at 16 and, until the first sign of overload, add 1 per clean answer that arrives while work is
 *   waiting, up to twice the limit the answered request was sent under (doubling per round trip: "slow
 *   start"; 64 is two round trips away); after it, add 1 per `limit` such answers (one per round trip);
 * - halve on 429 or 503, once per window: answers to requests sent before the last decrease say nothing new,
 *   so a burst of 429s from one window halves once. What is halved is the limit the refused request was sent
 *   under (TCP halves the data in flight, not the window): clean answers from the same round trip may have
 *   raised the limit since, past what the registry just refused;
 * - honour `Retry-After` of those answers: no task starts before it passes (requests already running wait in
 *   their own retry, src/http/retry.ts);
 * - never below 1, never above the ceiling.
 * Only answers count: a transport failure or another 5xx neither grows nor shrinks the limit.
 * The queue is p-limit's; its `concurrency` is changed at run time.
 */
export class AdaptiveConcurrency {
  private readonly limiter: LimitFunction
  private readonly ceiling: number
  private readonly logger: Logger
  private readonly now: () => number
  private readonly timeScale: number
  private readonly maxPauseMs: number
  private limitValue: number
  private peakValue: number
  private slowStart = true
  private cleanSinceGrowth = 0
  /** Decreases so far: a request remembers the window it was sent in. */
  private epoch = 0
  private pausedUntil = 0

  constructor(options: AdaptiveConcurrencyOptions = {}) {
    this.ceiling = Math.max(1, Math.floor(options.ceiling ?? MAX_CONCURRENCY))
    this.limitValue = Math.max(1, Math.min(this.ceiling, Math.floor(options.start ?? START_CONCURRENCY)))
    this.peakValue = this.limitValue
    this.limiter = pLimit(this.limitValue)
    this.logger = options.logger ?? silentLogger
    this.now = options.now ?? Date.now
    this.timeScale = options.timeScale ?? 1
    this.maxPauseMs = options.maxPauseMs ?? Number.POSITIVE_INFINITY
  }

  /** The limit now. */
  get current(): number {
    return this.limitValue
  }

  /** The highest limit so far. */
  get peak(): number {
    return this.peakValue
  }

  /** Tasks running now (each holds one slot for all its requests, retries included). */
  get active(): number {
    return this.limiter.activeCount
  }

  /** Tasks waiting for a slot. */
  get pending(): number {
    return this.limiter.pendingCount
  }

  /** Runs `task` in a slot, once any pause a registry asked for has passed. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return this.limiter(async () => {
      await this.pause()
      return task()
    })
  }

  /** Call when a request is sent; hand the result back with its answer to {@link learn}. */
  window(): Sent {
    return { epoch: this.epoch, limit: this.limitValue }
  }

  /** Learns from one registry answer to a request sent in `sentIn` (from {@link window}). */
  learn(answer: Answer, sentIn: Sent): void {
    if (answer.status === 429 || answer.status === 503) {
      const asked = parseRetryAfter(answer.headers.get('retry-after'))
      if (asked !== undefined && asked <= this.maxPauseMs) {
        this.pausedUntil = Math.max(this.pausedUntil, this.now() + asked * this.timeScale)
      }
      if (sentIn.epoch === this.epoch) this.decrease(Math.min(sentIn.limit, this.limitValue), answer.status)
      return
    }
    if (answer.status >= 500) return
    // Growing while nothing waits would only raise a number no request uses, then overshoot on the next burst.
    if (this.limiter.pendingCount === 0) return
    this.cleanSinceGrowth++
    // Slow start doubles per round trip, no faster: an answer to a request sent under a limit of n allows 2n.
    if (this.slowStart ? this.limitValue < 2 * sentIn.limit : this.cleanSinceGrowth >= this.limitValue)
      this.set(this.limitValue + 1, 'clean answers')
  }

  private decrease(from: number, status: number): void {
    this.epoch++
    this.slowStart = false
    this.set(Math.floor(from / 2), `HTTP ${status}`)
  }

  private set(value: number, why: string): void {
    this.cleanSinceGrowth = 0
    const next = Math.max(1, Math.min(this.ceiling, value))
    if (next === this.limitValue) return
    this.logger.debug(`registry: concurrency ${next} (was ${this.limitValue}; ${why})`)
    this.limitValue = next
    if (next > this.peakValue) this.peakValue = next
    this.limiter.concurrency = next
  }

  private async pause(): Promise<void> {
    // A later answer may extend the pause while we sleep.
    for (let left = this.pausedUntil - this.now(); left > 0; left = this.pausedUntil - this.now()) {
      await sleep(left)
    }
  }
}
