/**
 * Deletes under GitHub's documented secondary limits, simulated (content-creating requests ≤ 80 per minute,
 * DELETE counted — the cautious reading of https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api).
 * The client paces itself from the 403 + `retry-after` answers, not from a fixed gap: every delete succeeds,
 * and the limit is actually reached (the run went at the ceiling, not below it).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execute } from '../../src/execute/Executor.js'
import { FixtureBuilder } from '../../src/sim/fixtures/FixtureBuilder.js'
import { freshBudget, NOW, planPackage, startHarness, type Harness } from './simHarness.js'

/** Enough to run into the 80-per-minute wall. */
const ORPHANS = 120

describe('deletes under simulated rate limits', () => {
  let h: Harness
  beforeAll(async () => {
    const b = new FixtureBuilder({ owner: 'acme', name: 'busy', now: NOW, shareLayers: true })
    b.image({ tags: ['latest'] })
    for (let i = 0; i < ORPHANS; i++) b.orphan({ ageDays: 30 + i / 24, text: `orphan-${i}` })
    // 1 simulated minute = 1.8 s: slow enough that this machine (client and simulator share one CPU) can
    // send faster than the limit, so the limit — not the test machine — sets the pace.
    h = await startHarness([b.build()], {
      sim: { seed: 3, timeScale: 0.03 },
      pkg: { owner: 'acme', name: 'busy' }
    })
  })
  afterAll(async () => h.close())

  it('proceeds at the signalled ceiling with no failed delete', async () => {
    const planned = await planPackage(h, {})
    expect(planned.plan.deleteOrder).toHaveLength(ORPHANS)
    const result = await execute(planned, {
      packages: h.packages,
      registry: h.registry,
      pkg: h.pkg,
      repository: h.repository,
      dryRun: false,
      budget: freshBudget(h),
      manifests: planned.manifests,
      concurrency: 8
    })
    expect(result.failed).toEqual([])
    expect(result.remaining).toEqual([])
    expect(result.deleted).toHaveLength(ORPHANS)
    // The ceiling was met: GitHub (simulated) had to say "wait"…
    expect(h.sim.stats.rateLimited.contentPerMinute).toBeGreaterThanOrEqual(1)
    // …and no minute held more deletes than the limit allows.
    const at = h.sim.requests.filter(r => r.method === 'DELETE' && r.status === 204).map(r => r.at)
    at.sort((a, b) => a - b)
    let worst = 0
    for (let i = 0, j = 0; i < at.length; i++) {
      while (at[i] - at[j] >= 60_000) j++
      worst = Math.max(worst, i - j + 1)
    }
    expect(worst).toBeLessThanOrEqual(80)
  })
})
