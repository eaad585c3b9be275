/**
 * Parallel listing (issue 18, item 1): after the first page, the remaining version pages are read about 10 at
 * once, in page order, each answered once; a secondary-limit answer mid-listing (403 or 429 with retry-after,
 * or the simulator's own points-per-minute limit) still ends in a complete listing, one page at a time from then.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'
import { listVersionsChecked } from '../../src/github/checkedListing.js'
import { PackagesClient } from '../../src/github/PackagesClient.js'
import { scaleScenario } from '../../src/sim/fixtures/scenarios.js'
import { startSimulator, type RateLimitOptions, type Simulator } from '../../src/sim/server.js'

const SCALE = 0.01
let sim: Simulator | undefined
let agent: Agent | undefined
afterEach(async () => {
  await sim?.close()
  await agent?.close()
  sim = undefined
  agent = undefined
})

/** 10,000 versions; every answer 2 simulated seconds late (20 ms real), so requests overlap when sent together. */
async function bigPackage(
  rateLimits?: RateLimitOptions
): Promise<{ sim: Simulator; client: PackagesClient }> {
  sim = await startSimulator({
    seed: 18,
    timeScale: SCALE,
    latencyMs: 2_000,
    ...(rateLimits ? { rateLimits } : {})
  })
  sim.addOwner('acme', 'Organization')
  sim.loadPackage(
    scaleScenario({ owner: 'acme', name: 'big', versions: 10_000, multiArchTags: 1_000, now: Date.now() })
  )
  agent = new Agent()
  const client = new PackagesClient({
    token: sim.token,
    apiUrl: sim.apiUrl,
    timeScale: SCALE,
    dispatcher: agent
  })
  return { sim, client }
}

const pageAnswers = (s: Simulator, status: number): string[] =>
  s.requests.filter(r => r.path.includes('/versions') && r.status === status).map(r => r.path)

describe('parallel listing', () => {
  it('lists 10,000 versions completely, each page once, up to 10 pages in flight', async () => {
    const { sim, client } = await bigPackage()
    await client.ownerRoute('acme')
    sim.stats.maxInFlight.rest = 0
    const listing = await listVersionsChecked(client, { owner: 'acme', name: 'big' })
    expect(listing.trusted).toBe(true)
    expect(listing.attempts).toBe(1)
    expect(listing.versions).toHaveLength(10_000)
    const answered = pageAnswers(sim, 200)
    expect(answered).toHaveLength(100)
    expect(new Set(answered).size).toBe(100)
    // Within GitHub's 100 concurrent requests, and far from one after another.
    expect(sim.stats.maxInFlight.rest).toBeGreaterThanOrEqual(5)
    expect(sim.stats.maxInFlight.rest).toBeLessThanOrEqual(10)
    // The order is the listing's: page 1's rows first, page 100's last.
    const sequential: number[] = []
    for await (const page of client.listVersions({ owner: 'acme', name: 'big' }))
      sequential.push(...page.map(v => v.id))
    expect(listing.versions.map(v => v.id)).toEqual(sequential)
  })

  it('reads one page at a time when asked to (the default for lazy callers)', async () => {
    const { sim, client } = await bigPackage()
    await client.ownerRoute('acme')
    sim.stats.maxInFlight.rest = 0
    const listing = await listVersionsChecked(client, { owner: 'acme', name: 'big' }, { concurrency: 1 })
    expect(listing.versions).toHaveLength(10_000)
    expect(sim.stats.maxInFlight.rest).toBe(1)
  })

  it('still lists completely after a 403 and a 429 secondary-limit answer with retry-after mid-listing', async () => {
    const { sim, client } = await bigPackage()
    sim.faults.add({
      side: 'rest',
      pathPattern: /\/versions\?.*[?&]page=37(&|$)/,
      kind: 'status403secondary',
      count: 1,
      retryAfter: 3
    })
    sim.faults.add({
      side: 'rest',
      pathPattern: /\/versions\?.*[?&]page=73(&|$)/,
      kind: 'status429',
      count: 1,
      retryAfter: 2
    })
    const listing = await listVersionsChecked(client, { owner: 'acme', name: 'big' })
    expect(listing.trusted).toBe(true)
    expect(listing.versions).toHaveLength(10_000)
    expect(new Set(listing.versions.map(v => v.id)).size).toBe(10_000)
    expect(pageAnswers(sim, 403)).toHaveLength(1)
    expect(pageAnswers(sim, 429)).toHaveLength(1)
    expect(new Set(pageAnswers(sim, 200)).size).toBe(100)
    expect(pageAnswers(sim, 200)).toHaveLength(100)
    expect(client.secondaryLimitCount).toBe(2)
  })

  it("still lists completely when the simulator's points-per-minute limit refuses pages", async () => {
    const { sim, client } = await bigPackage({ pointsPerMinute: 40 })
    const listing = await listVersionsChecked(client, { owner: 'acme', name: 'big' })
    expect(sim.stats.rateLimited.points).toBeGreaterThan(0)
    expect(client.secondaryLimitCount).toBeGreaterThan(0)
    expect(listing.trusted).toBe(true)
    expect(listing.versions).toHaveLength(10_000)
    expect(new Set(pageAnswers(sim, 200)).size).toBe(100)
  })
})
