/**
 * The real clients and planner against the loopback simulator, for the executor's integration tests: start a
 * simulator with the realistic scenario, list + read + plan a package the way a run does, and inspect the
 * simulator's state directly to check the safety invariant at any moment.
 */
import { Agent } from 'undici'
import { RequestBudget } from '../../src/execute/RequestBudget.js'
import { validatePackage, type ValidationResult } from '../../src/execute/Validate.js'
import { PackagesClient, type PackagesClientOptions } from '../../src/github/PackagesClient.js'
import type { DeleteOutcome, PackagesApi } from '../../src/github/PackagesApi.js'
import { parseManifest } from '../../src/model/Manifest.js'
import type { PackageRef, PackageVersion } from '../../src/model/PackageVersion.js'
import { compilePolicy, type RawPolicyInputs } from '../../src/planner/compilePolicy.js'
import { nextFetches } from '../../src/planner/fetchPlan.js'
import type { ManifestFact } from '../../src/model/ManifestFact.js'
import type { Plan } from '../../src/planner/Plan.js'
import { parseReferrerTag } from '../../src/planner/ReferrerTags.js'
import { plan } from '../../src/planner/planner.js'
import { RegistryClient } from '../../src/registry/RegistryClient.js'
import type { FixturePackage } from '../../src/sim/fixtures/types.js'
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/server.js'

export const NOW = Date.parse('2026-06-01T00:00:00Z')
export const SCALE = 0.001

export interface Harness {
  readonly sim: Simulator
  readonly packages: PackagesClient
  readonly registry: RegistryClient
  readonly pkg: PackageRef
  readonly repository: string
  close(): Promise<void>
}

export async function startHarness(
  fixtures: readonly FixturePackage[],
  options: {
    sim?: SimulatorOptions
    client?: Partial<PackagesClientOptions>
    pkg?: PackageRef
  } = {}
): Promise<Harness> {
  const sim = await startSimulator({
    timeScale: SCALE,
    startTime: NOW,
    // 300 simulated seconds would be 0.3 s of real time at this scale: a busy test machine would see bearer
    // tokens expire between renewal and use. Token expiry has its own tests in the registry client's suite.
    tokenTtlSeconds: 86_400,
    ...options.sim
  })
  sim.addOwner('acme', 'Organization')
  for (const f of fixtures) sim.loadPackage(f)
  const agent = new Agent()
  const packages = new PackagesClient({
    token: sim.token,
    apiUrl: sim.apiUrl,
    timeScale: sim.timeScale,
    dispatcher: agent,
    // Pacing comes from GitHub's signals (retry-after, x-ratelimit-*), not from a fixed gap.
    writeGapMs: 0,
    writeConcurrency: 8,
    ...options.client
  })
  const registry = new RegistryClient({
    registryUrl: sim.registryUrl,
    username: sim.login,
    password: sim.token,
    timeScale: sim.timeScale,
    dispatcher: agent
  })
  const pkg = options.pkg ?? { owner: 'acme', name: 'app' }
  return {
    sim,
    packages,
    registry,
    pkg,
    repository: `${pkg.owner.toLowerCase()}/${pkg.name}`,
    async close() {
      await sim.close()
      await agent.close()
    }
  }
}

export interface Planned {
  readonly plan: Plan
  readonly manifests: ReadonlyMap<string, ManifestFact>
  readonly versions: readonly PackageVersion[]
}

/** What a run does before executing: list every version, read the manifests the planner asks for, plan. */
export async function planPackage(h: Harness, policy: RawPolicyInputs): Promise<Planned> {
  const versions: PackageVersion[] = []
  for await (const page of h.packages.listVersions(h.pkg)) versions.push(...page)
  const facts = new Map<string, ManifestFact>()
  for (let next = nextFetches(versions, facts); next.length > 0; next = nextFetches(versions, facts)) {
    await Promise.all(next.map(async d => facts.set(d, await h.registry.fetchManifest(h.repository, d))))
  }
  const p = plan(
    { packageName: h.pkg.name, versions, manifests: facts, now: h.sim.clock.now() },
    compilePolicy(policy)
  )
  return { plan: p, manifests: facts, versions }
}

/** The simulator's truth: `index → missing child` pairs among active versions (a broken pull, if tagged). */
export function danglingReferences(h: Harness): Set<string> {
  const pkg = h.sim.state.packageOf(h.pkg.owner, h.pkg.name)!
  const out = new Set<string>()
  for (const v of pkg.versions('active')) {
    let m
    try {
      m = parseManifest(v.bytes, v.mediaType, v.digest)
    } catch {
      continue
    }
    for (const child of m.manifests) {
      if (!pkg.resolve(child.digest)) out.add(`${v.digest} → ${child.digest}`)
    }
  }
  return out
}

export function activeIds(h: Harness): number[] {
  const pkg = h.sim.state.packageOf(h.pkg.owner, h.pkg.name)!
  return pkg
    .versions('active')
    .map(v => v.id)
    .sort((a, b) => a - b)
}

export function validate(h: Harness): Promise<ValidationResult> {
  return validatePackage(h.pkg, { packages: h.packages, registry: h.registry, repository: h.repository })
}

export function freshBudget(h: Harness, limit?: number): RequestBudget {
  return RequestBudget.create(h.packages, limit)
}

/**
 * Wraps the REST client to watch the executor: records when each delete starts and ends, runs a check after
 * every delete (the safety invariant, or a kill switch), and counts what it saw.
 */
export class WatchedPackages implements PackagesApi {
  readonly events: string[] = []
  completed = 0

  constructor(
    private readonly inner: PackagesApi,
    private readonly afterDelete: (id: number, outcome: DeleteOutcome | Error) => void = () => {}
  ) {}

  get requestCount(): number {
    return this.inner.requestCount
  }

  get budget() {
    return this.inner.budget
  }

  listPackages(owner: string, globs: readonly string[]) {
    return this.inner.listPackages(owner, globs)
  }

  listVersions(pkg: PackageRef, state?: 'active' | 'deleted') {
    return this.inner.listVersions(pkg, state)
  }

  getVersion(pkg: PackageRef, id: number) {
    return this.inner.getVersion(pkg, id)
  }

  restoreVersion(pkg: PackageRef, id: number) {
    return this.inner.restoreVersion(pkg, id)
  }

  async deleteVersion(pkg: PackageRef, id: number): Promise<DeleteOutcome> {
    this.events.push(`start ${id}`)
    try {
      const outcome = await this.inner.deleteVersion(pkg, id)
      this.events.push(`end ${id} ${outcome.kind}`)
      this.completed++
      this.afterDelete(id, outcome)
      return outcome
    } catch (error) {
      this.events.push(`end ${id} error`)
      this.completed++
      this.afterDelete(id, error as Error)
      throw error
    }
  }
}

/** Referrer → referenced pairs among planned deletes: index children, `subject`, cosign/referrer tags. */
export function plannedEdges(planned: Planned): [number, number][] {
  const idOf = new Map(planned.versions.map(v => [v.digest, v.id]))
  const del = new Set(planned.plan.deleteOrder)
  const edges: [number, number][] = []
  for (const v of planned.versions) {
    if (!del.has(v.id)) continue
    for (const tag of v.tags) {
      const subject = parseReferrerTag(tag)?.subject
      const id = subject !== undefined ? idOf.get(subject) : undefined
      if (id !== undefined && del.has(id)) edges.push([v.id, id])
    }
    const fact = planned.manifests.get(v.digest)
    if (!fact?.ok) continue
    const targets = [
      ...fact.manifest.manifests.map(d => d.digest),
      ...(fact.manifest.subject ? [fact.manifest.subject.digest] : [])
    ]
    for (const t of targets) {
      const id = idOf.get(t)
      if (id !== undefined && del.has(id)) edges.push([v.id, id])
    }
  }
  return edges
}

/** A small seeded PRNG (mulberry32) for kill points. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
