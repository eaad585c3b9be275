/**
 * The barrier as the executor will use it (BarrierGate): a pass before the first delete, another when one is
 * due before a delete, the holds, the stop, and the window line. A sequential delete loop stands in for the
 * executor, which wires the gate after the hostile-input issue's changes land.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { BarrierGate, BarrierStop } from '../../src/execute/BarrierGate.js'
import { listedTags } from '../../src/execute/WriteBarrier.js'
import { listAllVersions } from '../../src/github/listAllVersions.js'
import type { PackageVersion } from '../../src/model/PackageVersion.js'
import { compilePolicy } from '../../src/planner/compilePolicy.js'
import { nextFetches } from '../../src/planner/fetchPlan.js'
import type { ManifestFact } from '../../src/model/ManifestFact.js'
import type { Plan } from '../../src/planner/Plan.js'
import { plan } from '../../src/planner/planner.js'
import { FixtureBuilder, type MultiArchResult } from '../../src/sim/fixtures/FixtureBuilder.js'
import { NOW, startHarness, type Harness } from './simHarness.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const HOUR = 3_600_000

async function setUp(): Promise<{ old1: MultiArchResult; versions: PackageVersion[]; plan: Plan }> {
  const b = new FixtureBuilder({ owner: 'acme', name: 'app', now: NOW })
  const old1 = b.multiArch({ tags: ['old-1'], ageDays: 100, attestations: true })
  b.multiArch({ tags: ['latest'], ageDays: 1 })
  h = await startHarness([b.build()], { sim: { rateLimits: false } })
  const versions = await listAllVersions(h.packages, h.pkg)
  const facts = new Map<string, ManifestFact>()
  for (let next = nextFetches(versions, facts); next.length > 0; next = nextFetches(versions, facts)) {
    await Promise.all(next.map(async d => facts.set(d, await h!.registry.fetchManifest(h!.repository, d))))
  }
  const p = plan(
    { packageName: 'app', versions, manifests: facts, now: h.sim.clock.now() },
    compilePolicy({ 'delete-tags': 'old-*', 'older-than': '30d' })
  )
  return { old1, versions, plan: p }
}

function gateFor(versions: PackageVersion[], p: Plan, logs: string[] = []): BarrierGate {
  const digestOf = new Map(versions.map(v => [v.id, v.digest]))
  return new BarrierGate({
    packageName: 'app',
    repository: h!.repository,
    registry: h!.registry,
    listed: listedTags(versions),
    planned: new Map(p.deleteOrder.map(id => [id, digestOf.get(id)!])),
    now: () => h!.sim.clock.now(),
    // Simulated time runs 1,000 times faster here: 1,000 hours (an hour of real time) keeps passes under the test's control.
    intervalMs: 1000 * HOUR,
    logger: { debug: () => {}, info: () => {}, warning: m => logs.push(m) }
  })
}

/** What the executor does with the gate, one delete at a time. Returns the ids held. */
async function deleteAll(gate: BarrierGate, p: Plan): Promise<number[]> {
  await gate.start()
  const held: number[] = []
  for (const id of p.deleteOrder) {
    if (await gate.check(id)) {
      held.push(id)
      continue
    }
    await h!.packages.deleteVersion(h!.pkg, id)
    gate.sent(id)
  }
  return held
}

const amdOf = (m: MultiArchResult) => m.children.find(c => c.platform === 'linux/amd64')!.digest

describe('BarrierGate', () => {
  it('a re-tag between deletes is caught by the next pass once one is due', async () => {
    const { old1, versions, plan: p } = await setUp()
    h!.sim.moves.onDelete(1, 'after', m => {
      m.tag('acme', 'app', 'v2', amdOf(old1))
      h!.sim.clock.advance(2000 * HOUR)
    })
    const logs: string[] = []
    const gate = gateFor(versions, p, logs)
    const held = await deleteAll(gate, p)
    const idOf = new Map(versions.map(v => [v.digest, v.id]))
    expect(held).toEqual([idOf.get(amdOf(old1))])
    expect(h!.sim.state.packageOf('acme', 'app')!.resolve('v2')?.digest).toBe(amdOf(old1))
    expect(gate.stats.passes).toBe(2)
    expect(logs).toEqual([
      `app: not deleting package_version=${idOf.get(amdOf(old1))} (${amdOf(old1)}): tag v2 is new since the listing and points at it (write barrier)`
    ])
  })

  it('a re-tag inside the window is lost, and the window line says how long it was', async () => {
    const { old1, versions, plan: p } = await setUp()
    h!.sim.moves.onDelete(1, 'after', m => m.tag('acme', 'app', 'v2', amdOf(old1)))
    const gate = gateFor(versions, p)
    expect(await deleteAll(gate, p)).toEqual([])
    expect(h!.sim.state.packageOf('acme', 'app')!.resolve('v2')).toBeUndefined()
    expect(gate.stats.passes).toBe(1)
    expect(gate.windowLine()).toMatch(
      new RegExp(
        `^app: tags were last checked at \\d\\d:\\d\\d:\\d\\d UTC; a tag pushed in the \\d+s before the last of the ${p.deleteOrder.length} deletes that followed`
      )
    )
  })

  it('a pass that cannot follow a new tag stops the deletes', async () => {
    const { old1, versions, plan: p } = await setUp()
    h!.sim.moves.onDelete(1, 'after', m => {
      const v = m.pushIndexOver('acme', 'app', 'v2', [amdOf(old1), old1.attestations[0]])
      h!.sim.faults.add({
        side: 'registry',
        method: 'GET',
        pathPattern: v.digest,
        kind: 'status5xx',
        status: 503
      })
      h!.sim.clock.advance(2000 * HOUR)
    })
    const gate = gateFor(versions, p)
    await expect(deleteAll(gate, p)).rejects.toThrow(BarrierStop)
    // One delete went out before the push; the pass then stopped the rest.
    expect(h!.sim.requests.filter(r => r.method === 'DELETE')).toHaveLength(1)
  })
})
