/**
 * GitHub's REST rate limits, as documented in
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api :
 * - primary: requests per hour per token (5,000 for a user's PAT, 1,000 per repository for GITHUB_TOKEN,
 *   60 unauthenticated), reported on every answer in `x-ratelimit-*`; exhausted → 403 (or 429) with
 *   `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (UTC epoch seconds);
 * - secondary: ≤ 100 concurrent requests; ≤ 900 points per minute (GET/HEAD/OPTIONS 1 point, POST/PATCH/
 *   PUT/DELETE 5); ≤ 80 content-generating requests per minute and ≤ 500 per hour → 403 (or 429) with
 *   `retry-after` seconds and a message about a "secondary rate limit".
 * The docs do not say whether DELETE is "content-generating"; counting it is the cautious reading
 * (`contentMethods` changes it). Windows run on the simulated clock (see SimClock).
 */
import type { SimClock } from '../clock.js'
import { jsonResponse, type SimResponse } from '../http.js'
import { SlidingWindow } from './slidingWindow.js'

export interface RateLimitOptions {
  patPerHour?: number
  installationPerHour?: number
  anonymousPerHour?: number
  maxConcurrent?: number
  pointsPerMinute?: number
  contentPerMinute?: number
  contentPerHour?: number
  /** GitHub answers either; default 403. */
  status?: 403 | 429
  contentMethods?: readonly string[]
}

export const GITHUB_RATE_LIMITS: Required<RateLimitOptions> = {
  patPerHour: 5_000,
  installationPerHour: 1_000,
  anonymousPerHour: 60,
  maxConcurrent: 100,
  pointsPerMinute: 900,
  contentPerMinute: 80,
  contentPerHour: 500,
  status: 403,
  contentMethods: ['POST', 'PATCH', 'PUT', 'DELETE']
}

const MINUTE = 60_000
const HOUR = 3_600_000
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

export interface RateIdentity {
  /** Bucket key (one per token). */
  readonly key: string
  readonly limit: number
  /** For the message: `user ID 9001`, `installation ID 41002`, `IP address 127.0.0.1`. */
  readonly label: string
}

class Bucket {
  windowStart = Number.NEGATIVE_INFINITY
  used = 0
  inFlight = 0
  readonly points = new SlidingWindow(MINUTE)
  readonly contentMinute = new SlidingWindow(MINUTE)
  readonly contentHour = new SlidingWindow(HOUR)
}

export interface Admission {
  readonly headers: Record<string, string | number>
  readonly rejection?: SimResponse
  readonly release: () => void
}

export interface RateLimitStats {
  primary: number
  concurrency: number
  points: number
  contentPerMinute: number
  contentPerHour: number
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  readonly rejections: RateLimitStats = {
    primary: 0,
    concurrency: 0,
    points: 0,
    contentPerMinute: 0,
    contentPerHour: 0
  }
  readonly limits: Required<RateLimitOptions>
  /** False when built with `rateLimits: false`: headers are still sent, nothing is refused. */
  readonly enforce: boolean

  constructor(
    private readonly clock: SimClock,
    options: RateLimitOptions | false | undefined,
    private readonly requestId: () => string
  ) {
    this.enforce = options !== false
    this.limits = { ...GITHUB_RATE_LIMITS, ...(options || {}) }
  }

  /** Counts the request against the primary limit, then checks the secondary ones. */
  admit(id: RateIdentity, method: string): Admission {
    const now = this.clock.now()
    const b = this.bucket(id.key)
    if (now >= b.windowStart + HOUR) {
      b.windowStart = now
      b.used = 0
    }
    const headers = (): Record<string, string | number> => ({
      'x-ratelimit-limit': id.limit,
      'x-ratelimit-remaining': Math.max(0, id.limit - b.used),
      'x-ratelimit-used': b.used,
      'x-ratelimit-reset': this.clock.resetHeader(b.windowStart + HOUR),
      'x-ratelimit-resource': 'core'
    })
    const noop = (): void => {}
    if (this.enforce && b.used >= id.limit) {
      this.rejections.primary++
      const h = headers()
      return { headers: h, release: noop, rejection: this.primaryAnswer(id, h) }
    }
    b.used++
    const h = headers()
    if (this.enforce) {
      const wait = this.secondaryWait(b, method, now)
      if (wait !== undefined) return { headers: h, release: noop, rejection: this.secondaryAnswer(wait, h) }
    }
    b.inFlight++
    b.points.add(now, WRITE_METHODS.has(method) ? 5 : 1)
    if (this.limits.contentMethods.includes(method)) {
      b.contentMinute.add(now, 1)
      b.contentHour.add(now, 1)
    }
    let released = false
    return {
      headers: h,
      release: () => {
        if (!released) b.inFlight--
        released = true
      }
    }
  }

  /** Headers without counting a request (GET /rate_limit "does not count against your primary rate limit"). */
  peek(id: RateIdentity): { limit: number; remaining: number; used: number; reset: number } {
    const b = this.bucket(id.key)
    const live = this.clock.now() < b.windowStart + HOUR
    const used = live ? b.used : 0
    const reset = live
      ? this.clock.resetHeader(b.windowStart + HOUR)
      : this.clock.resetHeader(this.clock.now() + HOUR)
    return { limit: id.limit, remaining: Math.max(0, id.limit - used), used, reset }
  }

  private bucket(key: string): Bucket {
    let b = this.buckets.get(key)
    if (!b) {
      b = new Bucket()
      this.buckets.set(key, b)
    }
    return b
  }

  /** Simulated ms to wait, or undefined when the request may go. */
  private secondaryWait(b: Bucket, method: string, now: number): number | undefined {
    const l = this.limits
    if (b.inFlight >= l.maxConcurrent) {
      this.rejections.concurrency++
      // No window to compute for concurrency: GitHub's advice without a better hint is one minute.
      return MINUTE
    }
    const points = WRITE_METHODS.has(method) ? 5 : 1
    const pointWait = b.points.waitFor(now, points, l.pointsPerMinute)
    if (pointWait > 0) {
      this.rejections.points++
      return pointWait
    }
    if (l.contentMethods.includes(method)) {
      const minuteWait = b.contentMinute.waitFor(now, 1, l.contentPerMinute)
      if (minuteWait > 0) {
        this.rejections.contentPerMinute++
        return minuteWait
      }
      const hourWait = b.contentHour.waitFor(now, 1, l.contentPerHour)
      if (hourWait > 0) {
        this.rejections.contentPerHour++
        return hourWait
      }
    }
    return undefined
  }

  private primaryAnswer(id: RateIdentity, headers: Record<string, string | number>): SimResponse {
    return jsonResponse(
      this.limits.status,
      {
        message: `API rate limit exceeded for ${id.label}. If you reach out to GitHub Support for help, please include the request ID ${this.requestId()}.`,
        documentation_url:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
        status: String(this.limits.status)
      },
      headers
    )
  }

  private secondaryAnswer(waitMs: number, headers: Record<string, string | number>): SimResponse {
    return jsonResponse(
      this.limits.status,
      {
        message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${this.requestId()}.`,
        documentation_url:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: String(this.limits.status)
      },
      { ...headers, 'retry-after': Math.max(1, Math.ceil(waitMs / 1000)) }
    )
  }
}
