/** A 10,000-version package listed through the simulator over HTTP: 100 pages, each requested exactly once. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'
import { PackagesClient } from '../../src/github/PackagesClient.js'
import { scaleScenario } from '../../src/sim/fixtures/scenarios.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'

describe('listing a 10,000-version package', () => {
  let sim: Simulator
  const agent = new Agent()

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11, timeScale: 0.001 })
    sim.addOwner('acme', 'Organization')
    sim.loadPackage(
      scaleScenario({ owner: 'acme', name: 'big', versions: 10_000, multiArchTags: 1_000, now: Date.now() })
    )
  })

  afterAll(async () => {
    await sim.close()
    await agent.close()
  })

  it('streams 100 pages of 100, each read once, with a 5xx and a reset on the way', async () => {
    sim.faults.add({ side: 'rest', pathPattern: /[?&]page=37(&|$)/, kind: 'status5xx', count: 1 })
    sim.faults.add({ side: 'rest', pathPattern: /[?&]page=73(&|$)/, kind: 'reset', count: 1 })
    const client = new PackagesClient({
      token: sim.token,
      apiUrl: sim.apiUrl,
      timeScale: 0.001,
      dispatcher: agent
    })
    const ids = new Set<number>()
    let pages = 0
    for await (const page of client.listVersions({ owner: 'acme', name: 'big' })) {
      pages++
      expect(page.length).toBe(100)
      for (const v of page) ids.add(v.id)
    }
    expect(pages).toBe(100)
    expect(ids.size).toBe(10_000)
    const answered = sim.requests
      .filter(r => r.path.includes('/versions') && r.status === 200)
      .map(r => r.path)
    expect(answered).toHaveLength(100)
    expect(new Set(answered).size).toBe(100)
    // GET /user, GET /users/acme, 100 pages, and the two retried pages.
    expect(client.requestCount).toBe(2 + 100 + 2)
  })
})
