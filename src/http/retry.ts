import { afterRetryAfterMs, backoffMs, parseRetryAfter } from './backoff.js'
import type { Logger } from '../log/Logger.js'
import { sleep } from './sleep.js'
import { TransportError } from './transport.js'

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number
  readonly baseMs: number
  readonly capMs: number
  /** A server asking for a longer pause than this is answered by giving up, not by idling the runner. */
  readonly maxRetryAfterMs: number
  /** Multiplies every wait (tests run the real schedule in milliseconds). */
  readonly timeScale: number
  readonly random?: () => number
  readonly logger?: Logger
  readonly signal?: AbortSignal
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  baseMs: 500,
  capMs: 20_000,
  maxRetryAfterMs: 120_000,
  timeScale: 1
}

/** What a retry decision reads of a response: fetch's Response and the registry's BufferedResponse both fit. */
export interface RetryableResponse {
  readonly status: number
  readonly headers: { get(name: string): string | null }
}

/** Statuses that say "try again later" rather than "this request is wrong". */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

/**
 * Sends a request until it gets an answer worth acting on. Only idempotent requests are repeated: repeating
 * one that may have been applied must not change the outcome. `Retry-After` wins over our own backoff.
 * Returns the last response (even a retryable status once the budget is spent); throws the last
 * TransportError when no response ever arrived.
 */
export async function sendWithRetry<R extends RetryableResponse>(
  what: string,
  idempotent: boolean,
  send: () => Promise<R>,
  policy: RetryPolicy
): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    let waitMs: number
    let why: string
    try {
      const response = await send()
      const asked = parseRetryAfter(response.headers.get('retry-after'))
      // A 403 that names a time to come back is a rate limit (GitHub's secondary limits), not a refusal.
      const retryable =
        RETRYABLE_STATUSES.has(response.status) || (response.status === 403 && asked !== undefined)
      if (!idempotent || attempt >= policy.retries || !retryable) return response
      if (asked !== undefined && asked > policy.maxRetryAfterMs) return response
      waitMs = asked !== undefined ? afterRetryAfterMs(asked, policy.random) : backoffMs(attempt, policy)
      why = `HTTP ${response.status}`
    } catch (error) {
      if (!(error instanceof TransportError) || !idempotent || attempt >= policy.retries) throw error
      waitMs = backoffMs(attempt, policy)
      why = error.message
    }
    const scaled = waitMs * policy.timeScale
    policy.logger?.debug(
      `${what}: ${why}; retry ${attempt + 1}/${policy.retries} in ${Math.round(scaled)} ms`
    )
    await sleep(scaled, policy.signal)
    if (policy.signal?.aborted) throw new TransportError(`${what}: cancelled`, 'network')
  }
}
