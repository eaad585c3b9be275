/**
 * The write barrier against a registry that moves (issue 17, item 1): each race of the issue loses an image
 * when the plan is carried out as listed, and none when the barrier's holds are dropped from it.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { listAllVersions } from '../../src/github/listAllVersions.js'
import { listedTags, writeBarrier, type BarrierResult } from '../../src/execute/WriteBarrier.js'
import type { PackageVersion } from '../../src/model/PackageVersion.js'
import { compilePolicy, type RawPolicyInputs } from '../../src/planner/compilePolicy.js'
import { nextFetches } from '../../src/planner/fetchPlan.js'
import type { ManifestFact } from '../../src/model/ManifestFact.js'
import type { Plan } from '../../src/planner/Plan.js'
import { plan } from '../../src/planner/planner.js'
import { FixtureBuilder, type MultiArchResult } from '../../src/sim/fixtures/FixtureBuilder.js'
import type { FixturePackage } from '../../src/sim/fixtures/types.js'
import { danglingReferences, NOW, startHarness, type Harness } from './simHarness.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

interface Scene {
  readonly fixture: FixturePackage
  readonly old1: MultiArchResult
  readonly latest: MultiArchResult
}

/** old-1 (100 days, multi-arch with attestations) is planned for deletion; latest is kept. */
function scene(extra: (b: FixtureBuilder) => void = () => {}): Scene {
  const b = new FixtureBuilder({ owner: 'acme', name: 'app', now: NOW })
  const old1 = b.multiArch({ tags: ['old-1'], ageDays: 100, attestations: true })
  extra(b)
  const latest = b.multiArch({ tags: ['latest'], ageDays: 1, attestations: true })
  return { fixture: b.build(), old1, latest }
}

const POLICY: RawPolicyInputs = { 'delete-tags': 'old-*', 'older-than': '30d' }

async function listAndPlan(policy = POLICY): Promise<{ versions: PackageVersion[]; plan: Plan }> {
  const versions = await listAllVersions(h!.packages, h!.pkg)
  const facts = new Map<string, ManifestFact>()
  for (let next = nextFetches(versions, facts); next.length > 0; next = nextFetches(versions, facts)) {
    await Promise.all(next.map(async d => facts.set(d, await h!.registry.fetchManifest(h!.repository, d))))
  }
  const p = plan(
    { packageName: 'app', versions, manifests: facts, now: h!.sim.clock.now() },
    compilePolicy(policy)
  )
  return { versions, plan: p }
}

function plannedDigests(versions: readonly PackageVersion[], p: Plan): Set<string> {
  const byId = new Map(versions.map(v => [v.id, v.digest]))
  return new Set(p.deleteOrder.map(id => byId.get(id)!))
}

async function barrier(versions: PackageVersion[], p: Plan, recheck?: string[]): Promise<BarrierResult> {
  return writeBarrier(h!.registry, {
    repository: h!.repository,
    listed: listedTags(versions),
    planned: plannedDigests(versions, p),
    ...(recheck ? { recheck } : {})
  })
}

/** Deletes the plan in order, minus `held` (what the executor does once the barrier's holds are dropped). */
async function carryOut(versions: PackageVersion[], p: Plan, held: ReadonlySet<string> = new Set()) {
  const byId = new Map(versions.map(v => [v.id, v.digest]))
  for (const id of p.deleteOrder) if (!held.has(byId.get(id)!)) await h!.packages.deleteVersion(h!.pkg, id)
}

/** Tags whose manifest is served but something under it is not: a `docker pull` of them fails. */
function brokenTags(): string[] {
  const pkg = h!.sim.state.packageOf('acme', 'app')!
  const broken = new Set<string>()
  for (const edge of danglingReferences(h!)) {
    const parent = edge.split(' → ')[0]
    for (const t of pkg.resolve(parent)?.tags ?? []) broken.add(t)
  }
  return [...broken].sort()
}

async function race(
  s: Scene,
  move: (sc: Scene) => void,
  guarded: boolean
): Promise<{ result?: BarrierResult; broken: string[] }> {
  h = await startHarness([s.fixture], { sim: { rateLimits: false } })
  h.sim.moves.afterLastListPage(() => move(s))
  const { versions, plan: p } = await listAndPlan()
  expect(plannedDigests(versions, p)).toContain(s.old1.index)
  if (!guarded) {
    await carryOut(versions, p)
    return { broken: brokenTags() }
  }
  const result = await barrier(versions, p)
  await carryOut(versions, p, new Set(result.held.keys()))
  return { result, broken: brokenTags() }
}

const amd = (s: Scene) => s.old1.children.find(c => c.platform === 'linux/amd64')!.digest
const amdAttestation = (s: Scene) => s.old1.attestations[0]

describe('write barrier: the races of issue 17', () => {
  const newIndex = (s: Scene) => h!.sim.moves.pushIndexOver('acme', 'app', 'v2', [amd(s), amdAttestation(s)])
  const retagIndex = (s: Scene) => h!.sim.moves.tag('acme', 'app', 'v2', s.old1.index)
  const retagPlatform = (s: Scene) => h!.sim.moves.tag('acme', 'app', 'v2', amd(s))

  it.each([
    ['a new index over existing manifests (imagetools create, two sources)', newIndex],
    ['a re-tag of an index (imagetools create, one source)', retagIndex],
    ['a re-tag of a platform image', retagPlatform]
  ])('%s: without the barrier v2 breaks', async (_name, move) => {
    const { broken } = await race(scene(), move, false)
    // A re-tagged version is deleted outright (tag and all); a new index is left without its children.
    const pkg = h!.sim.state.packageOf('acme', 'app')!
    expect(broken.includes('v2') || pkg.resolve('v2') === undefined).toBe(true)
  })

  it('a new index over existing manifests: held are exactly the two manifests it lists', async () => {
    const s = scene()
    const { result, broken } = await race(s, newIndex, true)
    expect(broken).toEqual([])
    expect(h!.sim.state.packageOf('acme', 'app')!.resolve('v2')).toBeDefined()
    expect([...result!.held.keys()].sort()).toEqual([amd(s), amdAttestation(s)].sort())
    expect(result!.checkedTags).toEqual(['v2'])
    expect(result!.held.get(amd(s))!.reason).toMatch(
      /^tag v2 is new since the listing; it points at sha256:[0-9a-f]{64}, which lists it$/
    )
    expect(result!.complete).toBe(true)
  })

  it('a re-tag of an index: the index and everything under it are held', async () => {
    const s = scene()
    const { result, broken } = await race(s, retagIndex, true)
    expect(broken).toEqual([])
    const pkg = h!.sim.state.packageOf('acme', 'app')!
    expect(pkg.resolve('v2')?.digest).toBe(s.old1.index)
    const all = [s.old1.index, ...s.old1.children.map(c => c.digest), ...s.old1.attestations]
    expect([...result!.held.keys()].sort()).toEqual(all.sort())
    expect(result!.held.get(s.old1.index)!.reason).toBe('tag v2 is new since the listing and points at it')
    // The tag old-1 is gone with nothing: the version stays, carrying both tags.
    expect(pkg.resolve('old-1')?.digest).toBe(s.old1.index)
  })

  it('a re-tag of a platform image: that image is held, the rest of old-1 goes', async () => {
    const s = scene()
    const { result, broken } = await race(s, retagPlatform, true)
    expect(broken).toEqual([])
    expect([...result!.held.keys()]).toEqual([amd(s)])
    const pkg = h!.sim.state.packageOf('acme', 'app')!
    expect(pkg.resolve('v2')?.digest).toBe(amd(s))
    expect(pkg.resolve('old-1')).toBeUndefined()
  })

  it('an index the listing missed (a delete between pages) is caught by its tag', async () => {
    let x: MultiArchResult | undefined
    const s = scene(b => {
      x = b.multiArch({ tags: ['x'], ageDays: 50, attestations: true })
      for (let i = 0; i < 120; i++) b.image({ tags: [`f${i}`], ageDays: 20 - i / 10 })
    })
    const xParts = [...x!.children.map(c => c.digest), ...x!.attestations]
    const hideX = () => {
      // Someone else deletes the newest versions after page 1, just enough for x to slide onto page 1.
      const pkg = h!.sim.state.packageOf('acme', 'app')!
      const rows = pkg.page('active', 0, pkg.activeCount)
      const row = rows.findIndex(v => v.digest === x!.index) + 1
      expect(row).toBeGreaterThan(100)
      for (const v of rows.slice(0, row - 100)) h!.sim.moves.delete('acme', 'app', v.digest)
    }
    for (const guarded of [false, true]) {
      h = await startHarness([s.fixture], { sim: { rateLimits: false } })
      h.sim.moves.afterListPage(1, hideX)
      const { versions, plan: p } = await listAndPlan({ ...POLICY, 'untagged-grace': '1d' })
      expect(versions.map(v => v.digest)).not.toContain(x!.index)
      const planned = plannedDigests(versions, p)
      for (const d of xParts) expect(planned).toContain(d)
      const result = guarded ? await barrier(versions, p) : undefined
      await carryOut(versions, p, new Set(result?.held.keys() ?? []))
      expect(brokenTags()).toEqual(guarded ? [] : ['x'])
      if (result) {
        expect([...result.held.keys()].sort()).toEqual(xParts.sort())
        // Every row that slid onto page 1 was missed, x and the fillers above it: each new tag is HEADed.
        const missed = versions.length
        expect(result.checkedTags).toContain('x')
        expect(result.heads).toBe(result.checkedTags.length)
        expect(missed).toBeLessThan(s.fixture.manifests.length)
      }
      await h.close()
      h = undefined
    }
  })

  it('a new tag whose manifest cannot be read leaves the pass incomplete', async () => {
    const s = scene()
    h = await startHarness([s.fixture], { sim: { rateLimits: false } })
    h.sim.moves.afterLastListPage(() => {
      const v = h!.sim.moves.pushIndexOver('acme', 'app', 'v2', [amd(s), amdAttestation(s)])
      h!.sim.faults.add({
        side: 'registry',
        method: 'GET',
        pathPattern: v.digest,
        kind: 'status5xx',
        status: 500
      })
    })
    const { versions, plan: p } = await listAndPlan()
    const result = await barrier(versions, p)
    expect(result.complete).toBe(false)
    expect(result.unreadable).toHaveLength(1)
    expect(result.unreadable[0]).toMatch(/HTTP 500/)
  })

  it('a quiet registry: nothing held, one tags/list page and no HEAD', async () => {
    const s = scene()
    h = await startHarness([s.fixture], { sim: { rateLimits: false } })
    const { versions, plan: p } = await listAndPlan()
    const before = h.registry.stats.tagLists
    const result = await barrier(versions, p)
    expect(result.held.size).toBe(0)
    expect(result.heads).toBe(0)
    expect(result.manifestReads).toBe(0)
    expect(h.registry.stats.tagLists - before).toBe(1)
  })

  it('a listed tag moved onto a new index is seen when the caller re-checks it', async () => {
    const s = scene()
    h = await startHarness([s.fixture], { sim: { rateLimits: false } })
    h.sim.moves.afterLastListPage(() =>
      h!.sim.moves.pushIndexOver('acme', 'app', 'latest', [amd(s), amdAttestation(s)])
    )
    const { versions, plan: p } = await listAndPlan()
    expect((await barrier(versions, p)).held.size).toBe(0)
    const result = await barrier(versions, p, ['latest'])
    expect([...result.held.keys()].sort()).toEqual([amd(s), amdAttestation(s)].sort())
    expect(result.held.get(amd(s))!.reason).toMatch(/^tag latest moved since the listing;/)
  })

  it('reads the tag list page by page (n / last / Link)', async () => {
    const s = scene(b => {
      for (let i = 0; i < 25; i++) b.image({ tags: [`t${String(i).padStart(2, '0')}`], ageDays: 5 })
    })
    h = await startHarness([s.fixture], { sim: { rateLimits: false } })
    const tags = await h.registry.listTags(h.repository, 10)
    expect(tags).toHaveLength(27)
    expect(new Set(tags).size).toBe(27)
    expect(h.registry.stats.tagLists).toBe(3)
  })
})
