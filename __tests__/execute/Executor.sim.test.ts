/**
 * The executor with the real REST and registry clients and the real planner, over HTTP against the loopback
 * simulator. These are the "done when" checks of the Execution issue: a realistic prune deletes exactly the
 * plan in a safe order; interrupted and faulted runs never break a present tag and the next run finishes;
 * a budget stops a run cleanly; a moved tag re-plans; untag touches only the placeholder.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { execute, type ExecuteDeps } from '../../src/execute/Executor.js'
import type { DeleteOutcome } from '../../src/github/PackagesApi.js'
import { MediaTypes } from '../../src/model/MediaType.js'
import { buildRealisticScenario } from '../../src/sim/fixtures/scenarios.js'
import {
  activeIds,
  danglingReferences,
  freshBudget,
  NOW,
  planPackage,
  plannedEdges,
  seeded,
  startHarness,
  validate,
  WatchedPackages,
  type Harness,
  type Planned
} from './simHarness.js'

/** Keep the 3 newest tagged images and anything younger than 30 days; old orphans go (default grace 7d). */
const POLICY = { 'keep-n-tagged': '3', 'older-than': '30d' }

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

async function realistic(seed: number): Promise<{ h: Harness; refs: Readonly<Record<string, string>> }> {
  const scenario = buildRealisticScenario({ now: NOW })
  h = await startHarness(scenario.packages, { sim: { seed } })
  return { h, refs: scenario.refs }
}

function deps(harness: Harness, planned: Planned, extra: Partial<ExecuteDeps> = {}): ExecuteDeps {
  return {
    packages: harness.packages,
    registry: harness.registry,
    pkg: harness.pkg,
    repository: harness.repository,
    dryRun: false,
    budget: freshBudget(harness),
    manifests: planned.manifests,
    concurrency: 4,
    replan: () => planPackage(harness, POLICY),
    ...extra
  }
}

function idOf(planned: Planned, digest: string): number {
  const v = planned.versions.find(x => x.digest === digest)
  if (!v) throw new Error(`no version ${digest}`)
  return v.id
}

/** Every referrer's delete ended before the delete of what it references started. */
function expectSafeOrder(watched: WatchedPackages, planned: Planned): void {
  const at = (e: string): number => watched.events.findIndex(x => x.startsWith(e))
  for (const [from, to] of plannedEdges(planned)) {
    const started = at(`start ${to} `.trimEnd())
    if (started < 0) continue
    const ended = watched.events.findIndex(x => x === `end ${from} deleted` || x === `end ${from} gone`)
    expect({ edge: `${from} → ${to}`, parentEndedFirst: ended >= 0 && ended < started }).toEqual({
      edge: `${from} → ${to}`,
      parentEndedFirst: true
    })
  }
}

describe('executor against the simulator', () => {
  it('a prune of a realistic package deletes exactly the plan, parents first, refusals reported', async () => {
    const { h, refs } = await realistic(11)
    const planned = await planPackage(h, POLICY)
    const baseline = danglingReferences(h)
    const newDangling: string[] = []
    const watched = new WatchedPackages(h.packages, () => {
      for (const d of danglingReferences(h)) if (!baseline.has(d)) newDangling.push(d)
    })
    const before = activeIds(h)
    const result = await execute(planned, deps(h, planned, { packages: watched }))

    // v1.0.0 is public with > 5,000 downloads: GitHub refuses, its platform images and attestations stay.
    const refusedIndex = idOf(planned, refs['release:v1.0.0'])
    expect(result.refused).toEqual([
      expect.objectContaining({
        versionId: refusedIndex,
        status: 400,
        message: expect.stringMatching(/more than 5000 downloads/)
      })
    ])
    const held = planned.plan.decisions.filter(d => d.parent === refs['release:v1.0.0']).map(d => d.versionId)
    expect(held).toHaveLength(4)
    expect([...result.remaining].sort()).toEqual([...held].sort())
    expect(result.failed).toEqual([])
    expect(result.stoppedReason).toBeUndefined()

    const expectedDeleted = planned.plan.deleteOrder.filter(id => id !== refusedIndex && !held.includes(id))
    expect([...result.deleted, ...result.gone].sort()).toEqual([...expectedDeleted].sort())
    expect(activeIds(h)).toEqual(before.filter(id => !expectedDeleted.includes(id)))
    expectSafeOrder(watched, planned)
    // At no moment did a present manifest lose something it references.
    expect(newDangling).toEqual([])
    expect((await validate(h)).broken).toEqual([])
  })

  // Seeds: fixed ones (replayable in CI) plus one fresh per run; every test name carries its seed, and
  // EXEC_SEEDS=1,2,3 replays chosen ones.
  const seeds = process.env.EXEC_SEEDS
    ? process.env.EXEC_SEEDS.split(',').map(Number)
    : [101, 202, 303, (Date.now() % 1_000_000) + 1]

  it.each(seeds)(
    'seed %i: a run killed and faulted mid-delete leaves every present tag whole; the next run finishes',
    async seed => {
      const { h, refs } = await realistic(seed)
      const random = seeded(seed)
      const planned = await planPackage(h, POLICY)
      const baseline = danglingReferences(h)
      const baselineBroken = new Set((await validate(h)).broken.map(b => b.tag))
      // Faults GitHub's API really shows: 5xx before acting, 502 after acting, dropped connections (before
      // and after acting), slow answers that reorder concurrent deletes.
      h.sim.faults.add({ side: 'rest', method: 'DELETE', kind: 'status5xx', rate: 0.1 })
      h.sim.faults.add({ side: 'rest', method: 'DELETE', kind: 'status502AfterEffect', rate: 0.1 })
      h.sim.faults.add({
        side: 'rest',
        method: 'DELETE',
        kind: 'reset',
        rate: 0.05,
        afterEffect: random() < 0.5
      })
      h.sim.faults.add({ side: 'rest', method: 'DELETE', kind: 'latency', rate: 0.3, latencyMs: 3000 })
      const killAfter = Math.floor(random() * planned.plan.deleteOrder.length)
      const controller = new AbortController()
      const newDangling: string[] = []
      const watched = new WatchedPackages(h.packages, () => {
        for (const d of danglingReferences(h)) if (!baseline.has(d)) newDangling.push(d)
        if (watched.completed >= killAfter) controller.abort()
      })
      const first = await execute(planned, deps(h, planned, { packages: watched, signal: controller.signal }))
      // Cancelled with work not yet started: it says so (everything else was attempted or held back).
      const notStarted = first.remaining.length - (first.heldBack?.length ?? 0)
      if (notStarted > 0) expect(first.stoppedReason).toBe('cancelled')
      expect(newDangling).toEqual([])
      expectSafeOrder(watched, planned)
      // Every tag still present resolves in full (the broken ones the scenario starts with aside).
      const afterKill = await validate(h)
      expect(afterKill.broken.filter(b => !baselineBroken.has(b.tag))).toEqual([])

      // The next scheduled run: faults gone, fresh list, fresh plan.
      h.sim.faults.clear()
      const again = await planPackage(h, POLICY)
      const second = await execute(again, deps(h, again))
      expect(second.failed).toEqual([])
      expect(second.refused.map(r => r.versionId)).toEqual([idOf(planned, refs['release:v1.0.0'])])
      expect((await validate(h)).broken).toEqual([])
      // Net effect of the two runs = the original plan, minus the refused index and what it holds.
      const refusedClosure = new Set([
        idOf(planned, refs['release:v1.0.0']),
        ...planned.plan.decisions.filter(d => d.parent === refs['release:v1.0.0']).map(d => d.versionId)
      ])
      const kept = planned.plan.decisions
        .filter(d => d.action === 'keep' || refusedClosure.has(d.versionId))
        .map(d => d.versionId)
        .sort((a, b) => a - b)
      expect(activeIds(h)).toEqual(kept)
    }
  )

  it('a budget-limited run stops cleanly and reports its backlog; the next run finishes it', async () => {
    const { h } = await realistic(7)
    const baselineBroken = new Set((await validate(h)).broken.map(b => b.tag))
    // The budget counts every REST request of the run, listing included: create it before the first one.
    const budget = freshBudget(h, 12)
    const restStart = h.packages.requestCount
    const planned = await planPackage(h, POLICY)
    const first = await execute(planned, deps(h, planned, { budget }))
    expect(first.stoppedReason).toMatch(
      /^request-budget of 12 REST requests used up \(\d+ sent(, \d in flight)?\)$/
    )
    // Never more than the budget; in-flight deletes count as spent, so it may stop a few short (≤ concurrency).
    expect(h.packages.requestCount - restStart).toBeLessThanOrEqual(12)
    expect(h.packages.requestCount - restStart).toBeGreaterThan(12 - 4)
    expect(first.deleted.length).toBeGreaterThan(5)
    expect(first.remaining.length).toBeGreaterThan(10)
    expect(first.failed).toEqual([])
    expect((await validate(h)).broken.map(b => b.tag).filter(t => !baselineBroken.has(t))).toEqual([])

    const again = await planPackage(h, POLICY)
    // What is left to do is exactly the backlog (minus the refused index, re-planned and refused again).
    const second = await execute(again, deps(h, again))
    expect(second.stoppedReason).toBeUndefined()
    expect(second.deleted.length + second.gone.length).toBe(first.remaining.length - 5)
    expect((await validate(h)).broken).toEqual([])
  })

  it('a kept tag re-pushed between planning and deleting makes the run plan again, so nothing it needs goes', async () => {
    const { h, refs } = await realistic(5)
    const planned = await planPackage(h, POLICY)
    // A rebuild that reuses v1.2.0's platform images (reproducible builds) is pushed to `latest` now.
    const reused = planned.versions.filter(v => {
      const d = planned.plan.decisions.find(x => x.versionId === v.id)!
      return d.parent === refs['release:v1.2.0'] && (d.role === 'platform-image' || d.role === 'attestation')
    })
    const index = {
      schemaVersion: 2,
      mediaType: MediaTypes.ociIndex,
      manifests: reused.map(v => {
        const fact = planned.manifests.get(refs['release:v1.2.0'])
        const d = fact?.ok ? fact.manifest.manifests.find(m => m.digest === v.digest) : undefined
        return {
          mediaType: d?.mediaType ?? MediaTypes.ociManifest,
          digest: v.digest,
          size: d?.size ?? 1,
          ...(d?.platform ? { platform: d.platform } : {})
        }
      })
    }
    expect(reused.length).toBe(4)
    for (const v of reused) expect(planned.plan.deleteOrder).toContain(v.id)
    await h.registry.putManifest(
      h.repository,
      'latest',
      new TextEncoder().encode(JSON.stringify(index)),
      MediaTypes.ociIndex
    )

    const result = await execute(planned, deps(h, planned))
    expect(result.replans).toBe(1)
    // The plan carried out (and to be reported) is the new one: it keeps what `latest` now needs.
    for (const v of reused) {
      expect(result.executedPlan!.decisions.find(d => d.versionId === v.id)!.action).toBe('keep')
    }
    expect(result.failed).toEqual([])
    for (const v of reused) expect(activeIds(h)).toContain(v.id)
    expect((await validate(h)).broken).toEqual([])
    expect(activeIds(h)).not.toContain(idOf(planned, refs['release:v1.2.0']))
  })

  it('untag removes only the deletable tag, deleting exactly the placeholder version', async () => {
    const { h, refs } = await realistic(9)
    const policy = { 'delete-tags': 'v1.3.1', 'keep-tags': 'stable', untag: 'true' }
    const planned = await planPackage(h, policy)
    const target = idOf(planned, refs['release:v1.3.1'])
    expect(planned.plan.decisions.find(d => d.versionId === target)!.untagTags).toEqual(['v1.3.1'])
    const before = new Set(activeIds(h))
    const deletes: number[] = []
    const watched = new WatchedPackages(h.packages, (id: number, outcome: DeleteOutcome | Error) => {
      if (!(outcome instanceof Error) && outcome.kind === 'deleted') deletes.push(id)
    })
    const result = await execute(
      planned,
      deps(h, planned, { packages: watched, replan: () => planPackage(h, policy) })
    )
    expect(result.untagged).toEqual([
      { versionId: target, tag: 'v1.3.1', ok: true, placeholderDigest: expect.stringMatching(/^sha256:/) }
    ])
    const placeholder = h.sim.state
      .packageOf('acme', 'app')!
      .byDigest.get(result.untagged[0].placeholderDigest!)!
    expect(placeholder.state).toBe('deleted')
    // Only planned deletes and the placeholder were deleted; the image keeps `stable`.
    expect(deletes.sort()).toEqual([...planned.plan.deleteOrder, placeholder.id].sort())
    expect(await h.registry.resolveTag(h.repository, 'v1.3.1')).toBeUndefined()
    expect(await h.registry.resolveTag(h.repository, 'stable')).toBe(refs['release:v1.3.1'])
    expect(activeIds(h).filter(id => !before.has(id))).toEqual([])
  })
})
