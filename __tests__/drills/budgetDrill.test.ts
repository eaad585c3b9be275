/**
 * Fault drill with a small `request-budget` (issue "Proof on a real registry", part 2): the first run stops
 * cleanly when the budget is used up and leaves the rest as its backlog, the next run (no budget) finishes it —
 * under the same rate limits and faults as faultDrill.test.ts, with the simulator's state as the judge after
 * each run.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { runAction } from '../../bench/lib/actionRun.js'
import { brokenTagNames, checkRun, snapshot, NO_FINDINGS } from '../../bench/lib/simTruth.js'
import type { Simulator } from '../../src/sim/server.js'
import { NAME, OWNER, POLICY, reportDrill, startDrillSimulator } from './drillSetup.js'

const SEED = 31337
const BUDGET = 400

let sim: Simulator | undefined
afterAll(async () => sim?.close())

describe(`budget drill, 10,000 versions, seed ${SEED}`, () => {
  it(`stops at request-budget ${BUDGET} with its backlog; the next run finishes it`, async () => {
    sim = await startDrillSimulator(SEED)
    const pkgState = sim.state.packageOf(OWNER, NAME)!

    // Run 1: the budget covers the listing and a few hundred deletes.
    const before1 = snapshot(sim, OWNER, NAME)
    const run1 = await runAction({
      sim,
      inputs: { packages: NAME, ...POLICY, 'request-budget': String(BUDGET) }
    })
    const pkg1 = run1.journal.packages.find(p => p.name === NAME)!
    const first = checkRun(before1, brokenTagNames(sim, OWNER, NAME), sim, OWNER, NAME, pkg1)
    expect(first.findings).toEqual(NO_FINDINGS)
    expect(pkg1.stoppedReason).toMatch(/^request-budget of 400 REST requests used up/)
    expect(run1.failed).toBeUndefined()
    expect(run1.journal.status).toMatch(/^ok; \d+ planned deletes left for the next run$/)
    expect(first.accounting.remaining).toBeGreaterThan(first.accounting.planned / 2)
    expect(run1.outputs.remaining).toBe(String(first.accounting.remaining))
    expect(first.accounting.deletedInSim).toBeGreaterThan(100)
    // Every REST request counts against the budget, retries included (the simulator saw all of them).
    expect(sim.requests.filter(r => r.side === 'rest').length).toBeLessThanOrEqual(BUDGET)
    reportDrill(`budget drill, run 1 (request-budget ${BUDGET})`, sim, {
      wallMs: run1.wallMs,
      status: run1.journal.status,
      stoppedReason: pkg1.stoppedReason,
      ...first.accounting
    })
    const planned1 = (pkg1.decisions ?? []).filter(d => d.action === 'delete').map(d => d.versionId)

    // Run 2: no budget; the same plan's backlog is carried out.
    const before2 = snapshot(sim, OWNER, NAME)
    const run2 = await runAction({ sim, inputs: { packages: NAME, ...POLICY } })
    const pkg2 = run2.journal.packages.find(p => p.name === NAME)!
    const second = checkRun(before2, brokenTagNames(sim, OWNER, NAME), sim, OWNER, NAME, pkg2)
    expect(second.findings).toEqual(NO_FINDINGS)
    expect(pkg2.stoppedReason).toBeUndefined()
    if (run2.failed !== undefined) expect(run2.failed).toMatch(/failed delete/)
    expect(second.accounting.remaining).toBeLessThanOrEqual(second.accounting.failed * 6)

    reportDrill('budget drill, run 2 (no budget), cumulative simulator figures', sim, {
      wallMs: run2.wallMs,
      status: run2.journal.status,
      stoppedReason: pkg2.stoppedReason,
      ...second.accounting
    })

    // The second run's plan took over the first run's backlog, and together they carried the first plan out
    // (less what a delete that failed through its retries held back).
    const planned2 = new Set((pkg2.decisions ?? []).filter(d => d.action === 'delete').map(d => d.versionId))
    const backlog1 = planned1.filter(id => before2.byId.has(id))
    expect(backlog1.filter(id => !planned2.has(id))).toEqual([])
    const stillThere = planned1.filter(id => pkgState.byId.get(id)?.state === 'active')
    expect(stillThere.length).toBeLessThanOrEqual(second.accounting.failed * 6)
  }, 300_000)
})
