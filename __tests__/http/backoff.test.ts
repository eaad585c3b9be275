import { describe, expect, it } from '@jest/globals'
import { afterRetryAfterMs, backoffMs, parseRetryAfter } from '../../src/http/backoff.js'

describe('backoffMs', () => {
  const options = { baseMs: 100, capMs: 1000 }
  it('doubles per attempt up to the cap, with half of each step random', () => {
    expect(backoffMs(0, { ...options, random: () => 0 })).toBe(50)
    expect(backoffMs(0, { ...options, random: () => 1 })).toBe(100)
    expect(backoffMs(2, { ...options, random: () => 0 })).toBe(200)
    expect(backoffMs(10, { ...options, random: () => 0.5 })).toBe(750)
  })

  it('spreads concurrent retries', () => {
    const waits = new Set(Array.from({ length: 20 }, () => backoffMs(3, options)))
    expect(waits.size).toBeGreaterThan(10)
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(400)
  })
})

describe('afterRetryAfterMs', () => {
  it('never waits less than asked, at most a quarter more and at most a second more', () => {
    expect(afterRetryAfterMs(2000, () => 0)).toBe(2000)
    expect(afterRetryAfterMs(2000, () => 1)).toBe(2500)
    expect(afterRetryAfterMs(60_000, () => 1)).toBe(61_000)
    expect(afterRetryAfterMs(0, () => 1)).toBe(0)
  })

  it('spreads the retries of requests refused together', () => {
    const waits = new Set(Array.from({ length: 20 }, () => afterRetryAfterMs(1000)))
    expect(waits.size).toBeGreaterThan(10)
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(1000)
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7000)
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0)
  })

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter('-3')).toBeUndefined()
  })
})
