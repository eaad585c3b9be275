/**
 * Progress lines of a long run (docs/log-format.md, "Progress lines"), as the action prints them on the
 * simulator's clock: simulated time 1,000× faster, so the 5-second interval passes many times within the run.
 */
import { afterAll, expect, it } from '@jest/globals'
import { runAction } from '../../bench/lib/actionRun.js'
import { scaleScenario } from '../../src/sim/fixtures/scenarios.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'

const NOW = Date.parse('2026-06-01T00:00:00Z')
let sim: Simulator | undefined
afterAll(async () => sim?.close())

it('a dry run says how far the listing and the reads are, with the reads in flight', async () => {
  // Every answer 20 simulated seconds late: listing and reading each span several 5-second intervals.
  sim = await startSimulator({ seed: 3, timeScale: 0.001, startTime: NOW, latencyMs: 20_000 })
  sim.addOwner('acme', 'Organization')
  sim.loadPackage(
    scaleScenario({ owner: 'acme', name: 'big', versions: 1_000, multiArchTags: 100, now: NOW })
  )
  const run = await runAction({
    sim,
    inputs: { packages: 'big', 'dry-run': 'true', cache: 'false', 'protect-pinned': 'false' },
    keepLog: true
  })
  expect(run.failed).toBeUndefined()
  const listed = run.log.filter(l => /^big: listed /.test(l))
  const read = run.log.filter(l => /^big: read /.test(l))
  expect(listed.length).toBeGreaterThan(0)
  for (const l of listed) expect(l).toMatch(/^big: listed [1-9][\d,]* of 1,000 versions$/)
  expect(read.length).toBeGreaterThan(0)
  for (const l of read)
    expect(l).toMatch(/^big: read [1-9][\d,]* of [1-9][\d,]* manifests \([1-9]\d* at once\)$/)
  // At info, outside the per-version lines: no progress line carries a version's key.
  expect([...listed, ...read].some(l => l.includes('package_version='))).toBe(false)
})
