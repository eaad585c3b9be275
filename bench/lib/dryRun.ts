/**
 * One dry run of the action in a child process against a fresh simulator, with the requests it sent counted by
 * route and the minimum (bench/lib/minimum.ts) beside them. Shared by run.ts (the whole benchmark) and speed.ts
 * (the before/after table of issue 18).
 */
import { scaleScenario } from '../../src/sim/fixtures/scenarios.js'
import type { FixturePackage } from '../../src/sim/fixtures/types.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'
import { runActionInChild, type ChildRun } from './childRun.js'
import { minimumRequests, type Minimum } from './minimum.js'

export const NOW = Date.parse('2026-06-01T00:00:00Z')
export const SEED = 2026
/**
 * What a team would run on a CI package: releases are kept, `sha-…` builds go after 30 days except the 50
 * newest, untagged orphans after the default 7-day grace.
 */
export const POLICY: Readonly<Record<string, string>> = {
  // The checkout scan for pinned digests reads local files only; here the checkout would be this repository.
  'protect-pinned': 'false',
  'keep-tags': 'latest, 1.*',
  'delete-tags': 'sha-*',
  'keep-n-tagged': '50',
  'older-than': '30d'
}

export interface Counts {
  ownerLookups: number
  packageLookups: number
  pages: number
  challenges: number
  tokens: number
  reads: number
  heads: number
  deletes: number
  other: number
  rest: number
  registry: number
}

export interface DryRun {
  size: number
  latencyMs: number
  /** Runs made of this case; the figures are the fastest one's. */
  runs: number
  /** Wall times of every run, ms. */
  wallMsAll: number[]
  counts: Counts
  minimum: Minimum
  wouldDelete: number
  kept: number
  child: Omit<ChildRun, 'journal' | 'outputs'>
}

export function fixture(size: number): FixturePackage {
  // Half the versions belong to multi-platform releases (index + 2 platforms + 2 attestations), the rest are
  // single-platform builds, untagged orphans and cosign signatures (scaleScenario's mix).
  return scaleScenario({ owner: 'acme', name: 'big', versions: size, multiArchTags: size / 10, now: NOW })
}

export async function simulator(
  pkg: FixturePackage,
  options: Parameters<typeof startSimulator>[0]
): Promise<Simulator> {
  const sim = await startSimulator({ seed: SEED, startTime: NOW, ...options })
  sim.addOwner('acme', 'Organization')
  sim.loadPackage(pkg)
  return sim
}

export function countRequests(sim: Simulator): Counts {
  const by = sim.stats.requestsByRoute
  const take = (route: string): number => {
    const n = by[route] ?? 0
    delete by[route]
    return n
  }
  const base = '/orgs/{org}/packages/{package_type}/{package_name}'
  const c = {
    ownerLookups: take('rest:GET /user') + take('rest:GET /users/{username}'),
    packageLookups: take(`rest:GET ${base}`),
    pages: take(`rest:GET ${base}/versions`),
    deletes: take(`rest:DELETE ${base}/versions/{package_version_id}`),
    challenges: take('registry:GET /v2/'),
    tokens: take('registry:GET /token'),
    reads: take('registry:GET /v2/{name}/manifests/{reference}'),
    heads: take('registry:HEAD /v2/{name}/manifests/{reference}'),
    other: Object.values(by).reduce((a, b) => a + b, 0)
  }
  return {
    ...c,
    rest: sim.requests.filter(r => r.side === 'rest').length,
    registry: sim.requests.filter(r => r.side === 'registry').length
  }
}

/** Seconds from the first registry request to the last (timeScale 1): how long a registry token had to last. */
export function registrySeconds(sim: Simulator): number {
  let first = Infinity
  let last = -Infinity
  for (const r of sim.requests) {
    if (r.side !== 'registry') continue
    first = Math.min(first, r.at)
    last = Math.max(last, r.at)
  }
  return last > first ? (last - first) / 1000 : 0
}

export async function dryRun(pkg: FixturePackage, latencyMs: number, cacheDir?: string): Promise<DryRun> {
  const sim = await simulator(pkg, { timeScale: 1, rateLimits: false, latencyMs })
  try {
    const { journal, outputs, ...child } = await runActionInChild(
      sim,
      { packages: pkg.name, 'dry-run': 'true', ...POLICY },
      // Without a directory (and off a runner) the manifest cache has nowhere to live: every run is cold.
      cacheDir ? { GHCR_RETENTION_CACHE_DIR: cacheDir } : {}
    )
    if (child.exitCode !== 0) throw new Error(`dry run of ${pkg.manifests.length} failed: ${journal.status}`)
    return {
      size: pkg.manifests.length,
      latencyMs,
      runs: 1,
      wallMsAll: [child.wallMs],
      counts: countRequests(sim),
      minimum: minimumRequests(pkg, registrySeconds(sim)),
      wouldDelete: Number(outputs['deleted-count']),
      kept: Number(outputs['kept-count']),
      child
    }
  } finally {
    await sim.close()
  }
}

/**
 * The fastest of `times` runs; every run must have sent the same requests (the action is deterministic), bar
 * registry tokens: a token is renewed after 45 s of its assumed minute, so a slower run may need one more.
 */
export async function bestDryRun(pkg: FixturePackage, latencyMs: number, times: number): Promise<DryRun> {
  let best: DryRun | undefined
  const walls: number[] = []
  for (let i = 0; i < times; i++) {
    const r = await dryRun(pkg, latencyMs)
    walls.push(r.child.wallMs)
    const same = (c: Counts): string => JSON.stringify({ ...c, tokens: 0, registry: c.registry - c.tokens })
    if (best && same(best.counts) !== same(r.counts)) {
      throw new Error(
        `two dry runs of ${r.size} versions sent different requests: ${JSON.stringify([best.counts, r.counts])}`
      )
    }
    if (!best || r.child.wallMs < best.child.wallMs) best = r
  }
  return { ...best!, runs: times, wallMsAll: walls }
}
