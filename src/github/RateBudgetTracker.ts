import type { RateBudget } from './PackagesApi.js'

interface HeaderSource {
  get(name: string): string | null
}

function int(headers: HeaderSource, name: string): number | undefined {
  const value = headers.get(name)
  if (value === null || !/^\d+$/.test(value.trim())) return undefined
  return Number(value)
}

/**
 * The primary rate limit as GitHub last reported it (`x-ratelimit-*`). Responses to concurrent requests can
 * arrive out of order, so the lowest `remaining` wins until a later `reset` says a new window began. GHES with rate limits off sends no headers: the budget then stays empty ("no limit known").
 */
export class RateBudgetTracker {
  private current: RateBudget = {}

  get budget(): RateBudget {
    return this.current
  }

  observe(headers: HeaderSource): void {
    const remaining = int(headers, 'x-ratelimit-remaining')
    if (remaining === undefined) return
    // Only the REST "core" budget matters here; other resources (search, graphql) have their own.
    const resource = headers.get('x-ratelimit-resource')
    if (resource !== null && resource !== 'core') return
    const next: RateBudget = {
      limit: int(headers, 'x-ratelimit-limit'),
      remaining,
      used: int(headers, 'x-ratelimit-used'),
      reset: int(headers, 'x-ratelimit-reset')
    }
    const prev = this.current
    // A lower `remaining` is always news; a higher one only when a new window began (later reset).
    if (
      prev.remaining === undefined ||
      remaining < prev.remaining ||
      (next.reset !== undefined && (prev.reset === undefined || next.reset > prev.reset))
    ) {
      this.current = next
    }
  }
}
