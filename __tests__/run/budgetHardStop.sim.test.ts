/**
 * `request-budget` is a hard ceiling on REST requests (docs/inputs.md): parallel list pages and retries are
 * requests nobody reserved, so the REST client asks the budget before every attempt (RequestBudget.admit).
 * The simulator counts what arrived; the budget's own count is not the judge.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../bench/lib/actionRun.js'
import { scaleScenario } from '../../src/sim/fixtures/scenarios.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'

const NOW = Date.parse('2026-06-01T00:00:00Z')
const POLICY = {
  cache: 'false',
  'protect-pinned': 'false',
  'keep-tags': 'latest',
  'delete-tags': 'sha-*',
  'older-than': '30d'
}

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function simulator(): Promise<Simulator> {
  // 1,000 versions: 10 list pages, read 10 at a time after the first.
  const s = await startSimulator({ seed: 7, timeScale: 0.001, startTime: NOW })
  s.addOwner('acme', 'Organization')
  s.loadPackage(scaleScenario({ owner: 'acme', name: 'big', versions: 1_000, multiArchTags: 100, now: NOW }))
  return s
}

const rest = (s: Simulator): number => s.requests.filter(r => r.side === 'rest').length

describe('request-budget is a hard ceiling', () => {
  it('a budget smaller than the listing stops the listing, not after it: an orderly stop, nothing planned', async () => {
    sim = await simulator()
    const run = await runAction({ sim, inputs: { packages: 'big', ...POLICY, 'request-budget': '8' } })
    expect(rest(sim)).toBeLessThanOrEqual(8)
    const pkg = run.journal.packages.find(p => p.name === 'big')!
    expect(pkg.stoppedReason).toMatch(/^request-budget of 8 REST requests used up \(8 sent\); not planned$/)
    expect(run.failed).toBeUndefined()
    expect(sim.state.packageOf('acme', 'big')!.byId.size).toBe(1_000)
  })

  it('a retry of a delete is an attempt too: it never takes the run past its budget', async () => {
    sim = await simulator()
    const dry = await runAction({ sim, inputs: { packages: 'big', ...POLICY, 'dry-run': 'true' } })
    const listing = rest(sim)
    expect(Number(dry.outputs['deleted-count'])).toBeGreaterThan(10)
    // Room for two deletes, reserved together (two in flight); the first DELETE meets a 5xx and is retried.
    // Counting reservations alone, that retry is request budget + 1.
    sim.faults.add({ side: 'rest', method: 'DELETE', kind: 'status5xx', status: 500, count: 1 })
    const before = rest(sim)
    const budget = listing + 2
    const run = await runAction({
      sim,
      inputs: { packages: 'big', ...POLICY, 'request-budget': String(budget) }
    })
    expect(rest(sim) - before).toBe(budget)
    const pkg = run.journal.packages.find(p => p.name === 'big')!
    expect(pkg.stoppedReason).toMatch(new RegExp(`^request-budget of ${budget} REST requests used up`))
    // The third attempt was refused: either the retry (a failed delete that may have happened, and the run
    // says so; the other delete went through) or the second delete's first attempt (not sent: left for the
    // next run; the retried one went through).
    const refusedRetry = pkg.failed.filter(f =>
      /^request-budget of \d+ REST requests used up .*; the delete was not retried$/.test(f.error)
    )
    expect(pkg.deleted.length).toBe(1)
    expect(pkg.failed.length).toBe(refusedRetry.length)
    expect(run.failed === undefined).toBe(refusedRetry.length === 0)
    expect(Number(run.outputs.remaining)).toBeGreaterThan(0)
  })

  it('with room to spare, parallel pages list everything and the run finishes within the budget', async () => {
    sim = await simulator()
    const run = await runAction({
      sim,
      inputs: { packages: 'big', ...POLICY, 'dry-run': 'true', 'request-budget': '1000' }
    })
    expect(run.failed).toBeUndefined()
    const pkg = run.journal.packages.find(p => p.name === 'big')!
    expect(pkg.stoppedReason).toBeUndefined()
    expect(sim.requests.filter(r => r.side === 'rest' && r.path.includes('/versions')).length).toBe(10)
  })
})
