import { describe, expect, it } from '@jest/globals'
import type { RateBudget } from '../../src/github/PackagesApi.js'
import { RequestBudget, retryReserve } from '../../src/execute/RequestBudget.js'

function source(requestCount = 0, budget: RateBudget = {}) {
  return { requestCount, budget }
}

describe('RequestBudget', () => {
  it('admit counts attempts as they are admitted: ten started together at one left let one through', () => {
    const s = source(0)
    const b = RequestBudget.create(s, 5)
    for (let i = 0; i < 4; i++) expect(b.admit()).toBeUndefined()
    // None of these has reached the transport yet (requestCount still 0): the count is the budget's own.
    const answers = Array.from({ length: 10 }, () => b.admit())
    expect(answers.filter(a => a === undefined)).toHaveLength(1)
    expect(answers[1]).toBe('request-budget of 5 REST requests used up (5 sent)')
    expect(b.tryAcquire()).toBe(false)
  })

  it('reservations stop short of the limit by the retry reserve; admit alone may use it', () => {
    expect([0, 99, 100, 250, 400, 10_000].map(retryReserve)).toEqual([0, 0, 1, 2, 4, 4])
    const s = source(0)
    const b = RequestBudget.create(s, 400)
    let reserved = 0
    while (b.tryAcquire()) {
      reserved++
      expect(b.admit()).toBeUndefined()
      s.requestCount++
      b.release()
    }
    expect(reserved).toBe(396)
    expect(b.exhausted).toMatch(
      /^request-budget of 400 REST requests used up \(396 sent, 4 kept for retries\)$/
    )
    // Four retries still go out; the fifth would cross the limit.
    for (let i = 0; i < 4; i++) expect(b.admit()).toBeUndefined()
    expect(b.admit()).toMatch(/^request-budget of 400/)
  })

  it('without an explicit budget admit never refuses', () => {
    const b = RequestBudget.create(source(0, { limit: 5000, remaining: 1 }))
    for (let i = 0; i < 50; i++) expect(b.admit()).toBeUndefined()
  })

  it('an explicit budget counts REST requests from its creation, in-flight reservations included', () => {
    const s = source(40)
    const b = RequestBudget.create(s, 3)
    expect(b.tryAcquire()).toBe(true)
    expect(b.tryAcquire()).toBe(true)
    s.requestCount += 2 // both were sent
    b.release()
    b.release()
    expect(b.used).toBe(2)
    expect(b.tryAcquire()).toBe(true)
    expect(b.tryAcquire()).toBe(false)
    expect(b.exhausted).toBe('request-budget of 3 REST requests used up (2 sent, 1 in flight)')
  })

  it('stays exhausted once it refused, so a later package does not start half-way', () => {
    const s = source(0)
    const b = RequestBudget.create(s, 1)
    s.requestCount = 1
    expect(b.tryAcquire()).toBe(false)
    s.requestCount = 0 // even if the count were to drop
    expect(b.tryAcquire()).toBe(false)
  })

  it('retries count: a delete that was retried twice used three requests', () => {
    const s = source(0)
    const b = RequestBudget.create(s, 4)
    expect(b.tryAcquire()).toBe(true)
    s.requestCount = 3
    b.release()
    expect(b.allows(1)).toBe(true)
    expect(b.allows(2)).toBe(false)
  })

  it('by default stops while 10 % of the primary limit remains', () => {
    const s = source(0, { limit: 1000, remaining: 102, reset: 1_900_000_000 })
    const b = RequestBudget.create(s)
    expect(b.tryAcquire()).toBe(true) // 101 after it
    expect(b.tryAcquire()).toBe(true) // 100 after it
    expect(b.tryAcquire()).toBe(false)
    expect(b.exhausted).toMatch(
      /^primary rate limit nearly used: 102 of 1000 requests left, stopping while 10 % remains, resets at 2030-/
    )
  })

  it('without rate-limit headers (GHES with limits off) nothing stops the run', () => {
    const b = RequestBudget.create(source(0, {}))
    let granted = 0
    for (let i = 0; i < 10_000; i++) if (b.tryAcquire()) granted++
    expect(granted).toBe(10_000)
  })

  it('an explicit budget still never sends once the primary limit is used up', () => {
    const s = source(0, { limit: 1000, remaining: 1 })
    const b = RequestBudget.create(s, 500)
    expect(b.tryAcquire()).toBe(true)
    expect(b.tryAcquire()).toBe(false)
    expect(b.exhausted).toBe('primary rate limit used up: 1 requests left')
  })

  it('a budget of 0 allows nothing; a negative or fractional one is refused with the value quoted', () => {
    expect(RequestBudget.create(source(), 0).tryAcquire()).toBe(false)
    expect(() => RequestBudget.create(source(), -1)).toThrow(
      'request budget must be a whole number ≥ 0, got -1'
    )
    expect(() => RequestBudget.create(source(), 1.5)).toThrow('got 1.5')
  })

  it('describes its use for the summary', () => {
    const s = source(5, { limit: 5000, remaining: 4990 })
    const b = RequestBudget.create(s, 100)
    s.requestCount = 12
    expect(b.describe()).toBe('7 of 100 REST requests used; rate limit 4990/5000 left')
  })
})
