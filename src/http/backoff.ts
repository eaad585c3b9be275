export interface BackoffOptions {
  /** Wait before the first retry, before jitter. */
  readonly baseMs: number
  /** No single wait exceeds this. */
  readonly capMs: number
  /** Injected for tests; defaults to Math.random. */
  readonly random?: () => number
}

/**
 * "Equal jitter" exponential backoff: half of the exponential step is fixed, half random. Clients that failed
 * together (a 5xx burst, a reset) spread their retries instead of hammering the server in lockstep, and no
 * wait collapses to zero as it can with full jitter.
 */
export function backoffMs(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random
  const step = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt))
  return step / 2 + random() * (step / 2)
}

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) into milliseconds from `now`.
 * Returns undefined for absent or malformed values so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  // An HTTP-date always names its weekday and month; Date.parse would also accept "-3" as a year.
  const at = /[A-Za-z]/.test(trimmed) ? Date.parse(trimmed) : NaN
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/**
 * A server's `Retry-After` plus up to a quarter more (at most one second), at random: requests refused together
 * (one window of 429s) come back spread out instead of all at the same instant, which the server would refuse
 * again. Never less than asked.
 */
export function afterRetryAfterMs(askedMs: number, random: () => number = Math.random): number {
  return askedMs + random() * Math.min(1000, askedMs / 4)
}
