/** The registry read limiter: grows on clean answers, halves once per burst of 429s, honours Retry-After. */
import { describe, expect, it } from '@jest/globals'
import { AdaptiveConcurrency } from '../../src/registry/AdaptiveConcurrency.js'

const clean = { status: 200, headers: { get: () => null } }
const tooMany = (retryAfter?: string) => ({
  status: 429,
  headers: { get: (name: string) => (name === 'retry-after' ? (retryAfter ?? null) : null) }
})

/** `count` tasks queued on the limiter that each run until released; records how many ran at once. */
function blockers(limiter: AdaptiveConcurrency, count: number) {
  let running = 0
  let most = 0
  const releases: (() => void)[] = []
  const done = Array.from({ length: count }, () =>
    limiter.run(async () => {
      running++
      most = Math.max(most, running)
      await new Promise<void>(resolve => releases.push(resolve))
      running--
    })
  )
  return {
    get running() {
      return running
    },
    get most() {
      return most
    },
    /** Lets every task started so far finish. */
    releaseStarted: () => releases.splice(0).forEach(r => r()),
    all: () => Promise.all(done)
  }
}

const tick = () => new Promise<void>(resolve => setTimeout(resolve, 0))

describe('AdaptiveConcurrency', () => {
  it('starts at 16, or at the cap when the cap is lower', () => {
    expect(new AdaptiveConcurrency().current).toBe(16)
    expect(new AdaptiveConcurrency({ ceiling: 4 }).current).toBe(4)
    expect(new AdaptiveConcurrency({ ceiling: 100, start: 16 }).current).toBe(16)
  })

  it('grows on clean answers while work waits, and runs more tasks at once for it', async () => {
    const limiter = new AdaptiveConcurrency({ start: 2 })
    const tasks = blockers(limiter, 50)
    await tick()
    expect(tasks.running).toBe(2)
    // Slow start: one more per clean answer until the first sign of overload.
    for (let i = 0; i < 6; i++) limiter.learn(clean, limiter.window())
    expect(limiter.current).toBe(8)
    await tick()
    expect(tasks.running).toBe(8)
    // After a decrease, one more per `current` clean answers.
    limiter.learn(tooMany(), limiter.window())
    expect(limiter.current).toBe(4)
    for (let i = 0; i < 3; i++) limiter.learn(clean, limiter.window())
    expect(limiter.current).toBe(4)
    limiter.learn(clean, limiter.window())
    expect(limiter.current).toBe(5)
    for (let i = 0; i < 5; i++) limiter.learn(clean, limiter.window())
    expect(limiter.current).toBe(6)
    expect(limiter.peak).toBe(8)
    while (tasks.running > 0 || limiter.pending > 0) {
      tasks.releaseStarted()
      await tick()
    }
    await tasks.all()
    expect(tasks.most).toBe(8)
  })

  it('at most doubles per round trip before the first overload, and halves what the refused request was sent under', async () => {
    const limiter = new AdaptiveConcurrency({ start: 4 })
    const tasks = blockers(limiter, 100)
    const firstTrip = limiter.window()
    for (let i = 0; i < 20; i++) limiter.learn(clean, firstTrip)
    expect(limiter.current).toBe(8)
    const secondTrip = limiter.window()
    for (let i = 0; i < 5; i++) limiter.learn(clean, secondTrip)
    expect(limiter.current).toBe(13)
    // Refused although sent under 8: the registry balked at 8 or fewer, so 4, not half of 13.
    limiter.learn(tooMany(), secondTrip)
    expect(limiter.current).toBe(4)
    while (tasks.running > 0 || limiter.pending > 0) {
      tasks.releaseStarted()
      await tick()
    }
    await tasks.all()
  })

  it('says in a debug line when the limit changes, and only then', async () => {
    const lines: string[] = []
    const logger = { debug: (m: string) => lines.push(m), info: () => {}, warning: () => {} }
    const limiter = new AdaptiveConcurrency({ start: 2, ceiling: 3, logger })
    const tasks = blockers(limiter, 10)
    for (let i = 0; i < 5; i++) limiter.learn(clean, limiter.window())
    limiter.learn(tooMany(), limiter.window())
    expect(lines).toEqual([
      'registry: concurrency 3 (was 2; clean answers)',
      'registry: concurrency 1 (was 3; HTTP 429)'
    ])
    while (tasks.running > 0 || limiter.pending > 0) {
      tasks.releaseStarted()
      await tick()
    }
    await tasks.all()
  })

  it('does not grow while nothing waits for a slot', () => {
    const limiter = new AdaptiveConcurrency({ start: 4 })
    for (let i = 0; i < 100; i++) limiter.learn(clean, limiter.window())
    expect(limiter.current).toBe(4)
  })

  it('halves once for a burst of 429s from one window, again for one from a later window', async () => {
    const limiter = new AdaptiveConcurrency({ start: 32 })
    const sentBefore = limiter.window()
    for (let i = 0; i < 20; i++) limiter.learn(tooMany(), sentBefore)
    expect(limiter.current).toBe(16)
    const sentAfter = limiter.window()
    limiter.learn({ status: 503, headers: { get: () => null } }, sentAfter)
    expect(limiter.current).toBe(8)
    limiter.learn(tooMany(), sentAfter)
    expect(limiter.current).toBe(8)
  })

  it('takes other 5xx answers as neither clean nor overload', async () => {
    const limiter = new AdaptiveConcurrency({ start: 4 })
    const tasks = blockers(limiter, 10)
    for (const status of [500, 502, 504])
      limiter.learn({ status, headers: { get: () => null } }, limiter.window())
    expect(limiter.current).toBe(4)
    limiter.learn({ status: 404, headers: { get: () => null } }, limiter.window())
    expect(limiter.current).toBe(5)
    while (tasks.running > 0 || limiter.pending > 0) {
      tasks.releaseStarted()
      await tick()
    }
    await tasks.all()
  })

  it('never rises above the cap nor falls below 1', async () => {
    const limiter = new AdaptiveConcurrency({ ceiling: 5 })
    const tasks = blockers(limiter, 100)
    for (let i = 0; i < 1000; i++) limiter.learn(clean, limiter.window())
    expect(limiter.current).toBe(5)
    expect(limiter.peak).toBe(5)
    for (let i = 0; i < 10; i++) limiter.learn(tooMany(), limiter.window())
    expect(limiter.current).toBe(1)
    while (tasks.running > 0 || limiter.pending > 0) {
      tasks.releaseStarted()
      await tick()
    }
    await tasks.all()
    expect(tasks.most).toBeLessThanOrEqual(5)
  })

  it('starts no task before a Retry-After has passed', async () => {
    // Retry-After: 1 (second) at timeScale 0.1 is 100 ms.
    const limiter = new AdaptiveConcurrency({ start: 4, timeScale: 0.1 })
    limiter.learn(tooMany('1'), limiter.window())
    const asked = Date.now()
    const started: number[] = []
    await Promise.all(Array.from({ length: 3 }, () => limiter.run(async () => void started.push(Date.now()))))
    expect(started).toHaveLength(3)
    for (const at of started) expect(at - asked).toBeGreaterThanOrEqual(95)
    // Nothing left to wait for: the next task starts at once.
    const before = Date.now()
    await limiter.run(async () => {})
    expect(Date.now() - before).toBeLessThan(50)
  })

  it('does not idle for a Retry-After longer than the retry would wait', async () => {
    const limiter = new AdaptiveConcurrency({ start: 4, maxPauseMs: 120_000 })
    limiter.learn(tooMany('3600'), limiter.window())
    const before = Date.now()
    await limiter.run(async () => {})
    expect(Date.now() - before).toBeLessThan(50)
  })
})
