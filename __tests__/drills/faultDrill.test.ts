/**
 * Fault drill at scale (issue "Proof on a real registry", part 2): the whole action, in-process, prunes a
 * 10,000-version package through the loopback simulator with GitHub's rate limits on and seeded 5xx, 429/403
 * secondary limits, resets, cut-off bodies, expired registry tokens and latency on about 7 % of requests.
 * The simulator's state is the judge: every version in the closure of a kept tag still exists, every tag
 * still pulls in full, and what the run reports (journal, outputs) is what happened.
 *
 * The seed is in each test's name; a failure replays with the same fault draws (the interleaving of
 * concurrent reads can still differ between machines).
 */
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { runAction } from '../../bench/lib/actionRun.js'
import { brokenTagNames, checkRun, snapshot, NO_FINDINGS } from '../../bench/lib/simTruth.js'
import type { Simulator } from '../../src/sim/server.js'
import {
  bigPackage,
  faultShare,
  NAME,
  OWNER,
  POLICY,
  reportDrill,
  startDrillSimulator
} from './drillSetup.js'

/** Reasons a package may stop early without anything being wrong (RunStatus's orderly stops). */
const ORDERLY_STOP = /^(request-budget|primary rate limit)/

// A 10,000-version run takes 15–40 s on a loaded 2-core machine (more with the hourly limit reached).
let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

beforeAll(() => {
  bigPackage()
})

describe.each([20261125, 4242])('fault drill, 10,000 versions, seed %i', seed => {
  it('loses nothing kept and either finishes or stops cleanly with its backlog', async () => {
    sim = await startDrillSimulator(seed)
    const before = snapshot(sim, OWNER, NAME)
    const brokenBefore = brokenTagNames(sim, OWNER, NAME)

    const run = await runAction({ sim, inputs: { packages: NAME, ...POLICY } })

    const pkg = run.journal.packages.find(p => p.name === NAME)!
    const { findings, accounting } = checkRun(before, brokenBefore, sim, OWNER, NAME, pkg)
    expect(findings).toEqual(NO_FINDINGS)

    // The drill is the one it claims to be: a large plan, 5–10 % of requests hit, the hourly limit reached.
    expect(accounting.planned).toBeGreaterThan(1000)
    const share = faultShare(sim)
    expect(share).toBeGreaterThanOrEqual(0.05)
    expect(share).toBeLessThanOrEqual(0.1)
    expect(sim.faults.fired.some(f => f.kind === 'status502AfterEffect')).toBe(true)

    // Finished, or stopped for an orderly reason with the rest as backlog. A delete that failed through all its
    // retries is reported as failed (and fails the step); nothing else may.
    if (pkg.stoppedReason !== undefined) expect(pkg.stoppedReason).toMatch(ORDERLY_STOP)
    if (run.failed !== undefined) expect(run.failed).toMatch(/failed delete/)
    expect(accounting.reportedDeleted + accounting.reportedGone + accounting.failed).toBeGreaterThan(0)
    if (pkg.stoppedReason === undefined) {
      // Only what a failed delete holds back (itself and what it references) may be left.
      expect(accounting.remaining).toBeLessThanOrEqual(accounting.failed * 6)
    }

    // What the workflow sees matches the simulator.
    expect(run.outputs['deleted-count']).toBe(String(accounting.reportedDeleted))
    expect(run.outputs.remaining).toBe(String(accounting.remaining))
    expect(run.outputs['kept-count']).toBe(
      String((pkg.decisions ?? []).filter(d => d.action === 'keep').length)
    )
    expect(accounting.deletedInSim).toBeGreaterThanOrEqual(
      accounting.reportedDeleted + accounting.reportedGone
    )

    reportDrill(`fault drill, seed ${seed}`, sim, {
      wallMs: run.wallMs,
      status: run.journal.status,
      stoppedReason: pkg.stoppedReason,
      ...accounting
    })

    // The judge is not blind: a platform image of a kept release, deleted behind the run's back, is caught.
    const keptRelease = (pkg.decisions ?? []).find(
      d => d.action === 'keep' && d.mediaType === 'oci-index' && d.tags.some(t => t.startsWith('1.'))
    )!
    const child = [...before.byDigest.get(keptRelease.digest)!.children][0]
    const state = sim.state.packageOf(OWNER, NAME)!
    state.deleteVersion(state.resolve(child)!, sim.clock.now())
    const sabotaged = checkRun(before, brokenBefore, sim, OWNER, NAME, pkg).findings
    expect(sabotaged.keptLost).toEqual([before.byDigest.get(child)!.id])
    expect(sabotaged.closureLost).toEqual([child])
    expect(sabotaged.brokenTags).toEqual(
      before.byDigest.get(keptRelease.digest)!.tags.map(t => `${t} (missing ${child})`)
    )
    expect(sabotaged.deletedNotReported).toEqual([before.byDigest.get(child)!.id])
  }, 180_000)
})
