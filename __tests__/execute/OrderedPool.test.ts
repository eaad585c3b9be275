import { describe, expect, it } from '@jest/globals'
import { runOrdered } from '../../src/execute/OrderedPool.js'

/** A task that resolves when the test says so, recording starts and ends. */
function harness(fail: Set<string> = new Set()) {
  const log: string[] = []
  let active = 0
  let peak = 0
  const run = async (k: string): Promise<boolean> => {
    active++
    peak = Math.max(peak, active)
    log.push(`start ${k}`)
    await new Promise(r => setImmediate(r))
    log.push(`end ${k}`)
    active--
    if (fail.has(k)) throw new Error(`boom ${k}`)
    return true
  }
  return { log, run, peak: () => peak }
}

describe('runOrdered', () => {
  it('never starts a task before its prerequisites ended, whatever the concurrency', async () => {
    const h = harness()
    // index I lists a, b; nested index J (child of I) lists c
    const after = new Map([
      ['a', ['I']],
      ['b', ['I']],
      ['J', ['I']],
      ['c', ['J']]
    ])
    const result = await runOrdered({
      order: ['I', 'J', 'a', 'b', 'c', 'x'],
      after,
      concurrency: 8,
      run: h.run
    })
    expect(result.notStarted).toEqual([])
    const at = (e: string) => h.log.indexOf(e)
    for (const [k, prereqs] of after)
      for (const p of prereqs) expect(at(`end ${p}`)).toBeLessThan(at(`start ${k}`))
    // Independent work overlaps.
    expect(h.peak()).toBeGreaterThan(1)
  })

  it('holds back everything under a failed task, transitively', async () => {
    const h = harness(new Set(['I']))
    const after = new Map([
      ['a', ['I']],
      ['J', ['I']],
      ['c', ['J']]
    ])
    const result = await runOrdered({ order: ['I', 'J', 'a', 'c', 'x'], after, concurrency: 2, run: h.run })
    expect([...result.held.entries()].sort()).toEqual([
      ['J', 'I'],
      ['a', 'I'],
      ['c', 'I']
    ])
    expect(h.log.filter(l => l.startsWith('start'))).toEqual(['start I', 'start x'])
  })

  it('a task reachable from a kept-going parent and a failed one is held', async () => {
    const h = harness(new Set(['P1']))
    const after = new Map([['shared', ['P1', 'P2']]])
    const result = await runOrdered({ order: ['P1', 'P2', 'shared'], after, concurrency: 1, run: h.run })
    expect(result.held.get('shared')).toBe('P1')
  })

  it('a prerequisite outside the order is ignored by default, and holds its dependents with outside: hold', async () => {
    // I is not in the order (held back by the caller): M waits on it, N on M; x is free.
    const after = new Map([
      ['M', ['I']],
      ['N', ['M']]
    ])
    const ignored = harness()
    const free = await runOrdered({ order: ['M', 'N', 'x'], after, concurrency: 2, run: ignored.run })
    expect(free.held.size).toBe(0)
    expect(ignored.log.filter(l => l.startsWith('start'))).toEqual(['start M', 'start x', 'start N'])

    const h = harness()
    const result = await runOrdered({
      order: ['M', 'N', 'x'],
      after,
      concurrency: 2,
      outside: 'hold',
      run: h.run
    })
    expect([...result.held.entries()].sort()).toEqual([
      ['M', 'I'],
      ['N', 'I']
    ])
    expect(result.notStarted).toEqual([])
    expect(h.log.filter(l => l.startsWith('start'))).toEqual(['start x'])
  })

  it('the gate stops new starts; running tasks finish; the rest is reported in order', async () => {
    const h = harness()
    let allowed = 3
    const result = await runOrdered({
      order: ['a', 'b', 'c', 'd', 'e'],
      after: new Map(),
      concurrency: 2,
      gate: () => (allowed-- > 0 ? undefined : 'budget'),
      run: h.run
    })
    expect(result.stoppedReason).toBe('budget')
    expect(result.notStarted).toEqual(['d', 'e'])
    expect(h.log.filter(l => l.startsWith('end'))).toHaveLength(3)
  })

  it('starts in the given order when nothing constrains it', async () => {
    const h = harness()
    await runOrdered({ order: ['z', 'y', 'x', 'y'], after: new Map(), concurrency: 1, run: h.run })
    expect(h.log.filter(l => l.startsWith('start'))).toEqual(['start z', 'start y', 'start x'])
  })

  it('a cycle cannot stall it: the earliest pending task of the cycle goes first', async () => {
    const h = harness()
    const after = new Map([
      ['A', ['B']],
      ['B', ['A']],
      ['C', ['B']]
    ])
    const result = await runOrdered({ order: ['B', 'A', 'C'], after, concurrency: 4, run: h.run })
    expect(result.notStarted).toEqual([])
    expect(h.log.filter(l => l.startsWith('start'))).toEqual(['start B', 'start A', 'start C'])
  })

  it('with outside: hold (deletes) a cycle is held, never broken: neither side can go before the other', async () => {
    const h = harness()
    const after = new Map([
      ['A', ['B']],
      ['B', ['A']],
      ['C', ['B']]
    ])
    const result = await runOrdered({
      order: ['D', 'B', 'A', 'C'],
      after,
      outside: 'hold',
      concurrency: 4,
      run: h.run
    })
    expect(h.log.filter(l => l.startsWith('start'))).toEqual(['start D'])
    expect(result.notStarted).toEqual([])
    expect(new Map([...result.held].sort())).toEqual(
      new Map([
        ['A', 'B'],
        ['B', 'A'],
        ['C', 'B']
      ])
    )
  })

  it('an empty order resolves at once', async () => {
    const result = await runOrdered({ order: [], after: new Map(), concurrency: 3, run: async () => true })
    expect(result).toEqual({ stoppedReason: undefined, notStarted: [], held: new Map() })
  })
})
