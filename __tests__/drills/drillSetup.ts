/**
 * Shared by the fault drills: a 10,000-version package, the simulator with GitHub's rate limits on and a seeded
 * mix of faults, and a policy that deletes a good share of it (release indexes with their platform images,
 * attestations and signatures; single-platform builds; untagged orphans).
 */
import { appendFileSync } from 'node:fs'
import { scaleScenario } from '../../src/sim/fixtures/scenarios.js'
import type { FixturePackage } from '../../src/sim/fixtures/types.js'
import { startSimulator, type FaultRule, type Simulator } from '../../src/sim/server.js'

export const NOW = Date.parse('2026-06-01T00:00:00Z')
export const OWNER = 'acme'
export const NAME = 'big'
export const VERSIONS = 10_000

/**
 * One simulated hour (GitHub's primary window and its 500-per-hour content limit) lasts 1.8 real seconds:
 * the hourly limits are reached within a run, and the waits they ask for cost milliseconds.
 */
export const TIME_SCALE = 0.002

/**
 * 4,000 tagged candidates (1,000 multi-platform releases, 3,000 `sha-…` builds): the 3,600 newest stay, the
 * rest go when older than 30 days, each release with its 2 platform images, 2 attestations and its cosign
 * signature; of 1,500 untagged orphans the 1,200 newest stay. About 1,100 deletes.
 */
export const POLICY: Readonly<Record<string, string>> = {
  // Every manifest read goes to the faulty registry (no cross-run cache), and the pinned-digest scan of the
  // working directory (this repository) stays out of the drill.
  cache: 'false',
  'protect-pinned': 'false',
  'keep-tags': 'latest',
  'delete-tags': '1.*, sha-*',
  'keep-n-tagged': '3600',
  'older-than': '30d',
  'keep-n-untagged': '1200'
}

let built: FixturePackage | undefined
export function bigPackage(): FixturePackage {
  built ??= scaleScenario({ owner: OWNER, name: NAME, versions: VERSIONS, multiArchTags: 1_000, now: NOW })
  return built
}

/**
 * Faults GitHub and ghcr.io show in the wild, on about 7 % of all requests (each rule draws on its own; a
 * request can draw several, the first non-latency one answers). Deletes also meet the 502 that arrives after
 * the version was deleted, and resets after the effect — the reason a retried DELETE answers 404.
 */
export const FAULTS: readonly FaultRule[] = [
  { side: 'rest', kind: 'status5xx', rate: 0.015 },
  { side: 'rest', kind: 'status429', rate: 0.005, retryAfter: 1 },
  { side: 'rest', kind: 'status403secondary', rate: 0.005, retryAfter: 2 },
  { side: 'rest', kind: 'reset', rate: 0.005 },
  { side: 'rest', method: 'DELETE', kind: 'status502AfterEffect', rate: 0.02 },
  { side: 'rest', method: 'DELETE', kind: 'reset', afterEffect: true, rate: 0.005 },
  { side: 'registry', kind: 'status5xx', rate: 0.015 },
  { side: 'registry', kind: 'status429', rate: 0.005, retryAfter: 1 },
  { side: 'registry', kind: 'reset', rate: 0.005 },
  { side: 'registry', pathPattern: '/manifests/', kind: 'truncate', rate: 0.005 },
  { side: 'registry', pathPattern: '/manifests/', kind: 'expiredToken', rate: 0.005 },
  { kind: 'latency', rate: 0.02, latencyMs: 400 }
]

export async function startDrillSimulator(seed: number): Promise<Simulator> {
  const sim = await startSimulator({ seed, timeScale: TIME_SCALE, startTime: NOW })
  sim.addOwner(OWNER, 'Organization')
  sim.loadPackage(bigPackage())
  for (const rule of FAULTS) sim.faults.add(rule)
  return sim
}

/** Share of the simulator's requests that met a fault (latency included). */
export function faultShare(sim: Simulator): number {
  const hit = sim.requests.filter(r => r.fault !== undefined).length
  return sim.requests.length === 0 ? 0 : hit / sim.requests.length
}

/**
 * With DRILL_REPORT=<file>, each drill appends one JSON line of figures to it (for docs/benchmarks.md, "Fault
 * drills"); without it nothing is written.
 */
export function reportDrill(name: string, sim: Simulator, figures: Record<string, unknown>): void {
  const file = process.env.DRILL_REPORT
  if (!file) return
  const faults: Record<string, number> = {}
  for (const f of sim.faults.fired) faults[`${f.side}:${f.kind}`] = (faults[`${f.side}:${f.kind}`] ?? 0) + 1
  const line = {
    name,
    seed: sim.seed,
    requests: sim.requests.length,
    faultShare: faultShare(sim),
    faults,
    rateLimited: sim.stats.rateLimited,
    simulatedMinutes: sim.clock.now() / 60_000 - NOW / 60_000,
    ...figures
  }
  appendFileSync(file, JSON.stringify(line) + '\n')
}
