/**
 * Adaptive manifest reads against a simulated registry that serves at most 24 requests at once and refuses the
 * rest with 429 + Retry-After (SimulatorOptions.registryMaxInFlight): the client finds that number by itself,
 * reads everything, and spends few reads on refusals; `max-concurrency` stays a hard cap.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'
import { RegistryClient } from '../../src/registry/RegistryClient.js'
import { scaleScenario } from '../../src/sim/fixtures/scenarios.js'
import type { FixturePackage } from '../../src/sim/fixtures/types.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'

const TOLERATED = 24
// 200 ms per answer run twice as fast: 100 real ms, long enough that 24 requests overlap at the registry even
// on a busy machine (this process sends and answers them all), and a refusal's Retry-After of 1 s (500 real
// ms) longer than a round trip, as a registry would ask.
const TIME_SCALE = 0.5
const LATENCY_MS = 200

describe('adaptive registry reads', () => {
  let pkg: FixturePackage
  let digests: string[]
  let sim: Simulator | undefined
  const agent = new Agent({ connections: 128 })

  beforeAll(() => {
    pkg = scaleScenario({
      versions: 800,
      multiArchTags: 0,
      owner: 'acme',
      name: 'big',
      now: Date.parse('2026-06-01T00:00:00Z')
    })
    digests = [...new Set(pkg.manifests.map(m => m.digest))]
  })

  afterEach(async () => {
    await sim?.close()
    sim = undefined
  })

  afterAll(async () => {
    await agent.close()
  })

  async function simulator(registryMaxInFlight?: number): Promise<Simulator> {
    sim = await startSimulator({
      seed: 18,
      timeScale: TIME_SCALE,
      latencyMs: LATENCY_MS,
      tokenTtlSeconds: 1e9,
      ...(registryMaxInFlight ? { registryMaxInFlight } : {})
    })
    sim.addOwner('acme', 'Organization')
    sim.loadPackage(pkg)
    return sim
  }

  function client(s: Simulator, concurrency?: number): RegistryClient {
    return new RegistryClient({
      registryUrl: s.registryUrl,
      password: s.token,
      dispatcher: agent,
      timeScale: TIME_SCALE,
      random: () => 0.5,
      ...(concurrency ? { concurrency } : {})
    })
  }

  const manifestGets = (s: Simulator) =>
    s.requests.filter(r => r.side === 'registry' && r.method === 'GET' && r.path.includes('/manifests/'))
      .length

  it(`settles near the ${TOLERATED} requests the registry serves at once, reading each manifest about once`, async () => {
    const s = await simulator(TOLERATED)
    const registry = client(s)
    let done = 0
    // What the client does once it has learnt, not its first overshoot: the second half of the reads.
    const limits: number[] = []
    const facts = await Promise.all(
      digests.map(d =>
        registry.fetchManifest('acme/big', d).finally(() => {
          if (++done === Math.floor(digests.length / 2)) {
            s.stats.registryMaxServed = 0
            s.stats.maxInFlight.registry = 0
          }
          if (done >= digests.length / 2) limits.push(registry.concurrency.current)
        })
      )
    )
    expect(facts.filter(f => !f.ok)).toEqual([])
    const served = s.stats.registryMaxServed
    const arrived = s.stats.maxInFlight.registry
    const mean = limits.reduce((a, b) => a + b, 0) / limits.length

    // It uses what the registry serves (far above the fixed 8 of old) ...
    expect(served).toBeGreaterThanOrEqual(TOLERATED - 4)
    expect(s.stats.registryTooMany).toBeGreaterThan(0)
    // ... and hovers around it: AIMD saws between half the tolerance and a little above it (a little more,
    // as part of each request's time is spent in the client, where the registry does not count it).
    expect(mean).toBeGreaterThanOrEqual(TOLERATED / 2)
    expect(mean).toBeLessThanOrEqual(TOLERATED * 1.5)
    expect(Math.max(...limits)).toBeLessThan(TOLERATED * 2)
    expect(arrived).toBeLessThan(TOLERATED * 2)
    // Refusals are retried, so they cost reads: at most 10 % over the minimum of one read per manifest.
    const reads = manifestGets(s)
    expect(reads).toBe(registry.stats.manifestGets)
    expect(reads).toBeGreaterThanOrEqual(digests.length)
    expect(reads).toBeLessThanOrEqual(Math.floor(digests.length * 1.1))
  })

  it('grows to the ceiling of 64 against a registry that refuses nothing', async () => {
    const s = await simulator()
    const registry = client(s)
    const facts = await Promise.all(digests.map(d => registry.fetchManifest('acme/big', d)))
    expect(facts.filter(f => !f.ok)).toEqual([])
    expect(s.stats.maxInFlight.registry).toBeGreaterThan(32)
    expect(s.stats.maxInFlight.registry).toBeLessThanOrEqual(64)
    expect(registry.concurrency.peak).toBe(64)
    expect(manifestGets(s)).toBe(digests.length)
  })

  it('never has more than `max-concurrency` requests in flight', async () => {
    const s = await simulator(TOLERATED)
    const registry = client(s, 4)
    const facts = await Promise.all(digests.slice(0, 100).map(d => registry.fetchManifest('acme/big', d)))
    expect(facts.filter(f => !f.ok)).toEqual([])
    expect(s.stats.maxInFlight.registry).toBeLessThanOrEqual(4)
    expect(s.stats.maxInFlight.registry).toBeGreaterThanOrEqual(3)
    expect(registry.concurrency.peak).toBe(4)
    expect(s.stats.registryTooMany).toBe(0)
    expect(manifestGets(s)).toBe(100)
  })
})
