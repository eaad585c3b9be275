import { describe, expect, it } from '@jest/globals'
import { execute, type ExecuteDeps } from '../../src/execute/Executor.js'
import { AuthenticationError, RateLimitError } from '../../src/github/errors.js'
import { RequestBudget } from '../../src/execute/RequestBudget.js'
import { tagsToRecheck } from '../../src/execute/Preflight.js'
import type { Plan } from '../../src/planner/Plan.js'
import {
  FakePackages,
  FakeRegistry,
  FakeStore,
  manifestsOf,
  memoryLogger,
  planOf,
  type StoredVersion,
  executeDeps
} from './fakes.js'

/** kept `latest` → K{k1, k2, s}; deleted `old` → D{d1, d2, s} (s shared, so kept); orphan o deleted. */
function world() {
  const store = new FakeStore()
  const s = store.image()
  const k1 = store.image()
  const k2 = store.image()
  const d1 = store.image()
  const d2 = store.image()
  const o = store.image()
  const D = store.index([d1, d2, s], ['old'])
  const K = store.index([k1, k2, s], ['latest'])
  const packages = new FakePackages(store)
  const registry = new FakeRegistry(store)
  const manifests = manifestsOf(store)
  const plan = planOf(store, [D, o, d1, d2])
  return { store, packages, registry, manifests, plan, s, k1, k2, d1, d2, o, D, K }
}

function deps(w: ReturnType<typeof world>, extra: Partial<ExecuteDeps> = {}): ExecuteDeps {
  return executeDeps(w.store, w.packages, {
    registry: w.registry,
    manifests: w.manifests,
    concurrency: 4,
    ...extra
  })
}

const ids = (...vs: StoredVersion[]) => vs.map(v => v.id)
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)

describe('execute', () => {
  it('deletes exactly the plan, an index before its children, and keeps the shared child', async () => {
    const w = world()
    // Hold every delete a tick so the pool really runs them side by side.
    w.packages.onDelete = () => new Promise(r => setImmediate(r))
    const result = await execute(w.plan, deps(w))
    expect(sorted(result.deleted)).toEqual(sorted(ids(w.D, w.o, w.d1, w.d2)))
    expect(result.remaining).toEqual([])
    expect(result.stoppedReason).toBeUndefined()
    const deletes = w.packages.calls.filter(c => c.startsWith('DELETE'))
    expect(deletes.indexOf(`DELETE ${w.D.id}`)).toBe(0)
    expect(w.store.versions.get(w.s.id)!.state).toBe('active')
    expect(result.deletedVersions!.find(d => d.versionId === w.d1.id)).toMatchObject({
      digest: w.d1.digest,
      tags: [],
      after: [w.D.id]
    })
    expect(result.restRequests).toBe(4)
    // The kept tag that shares `s` with the deleted index was re-checked first.
    expect(w.registry.calls).toContain('HEAD latest')
  })

  it('a refused index holds its children back (they stay referenced); the rest goes on', async () => {
    const w = world()
    w.packages.answers.set(w.D.id, {
      kind: 'refused',
      status: 400,
      message: 'You cannot delete the last tagged version of a package.'
    })
    const result = await execute(w.plan, deps(w))
    expect(result.refused).toEqual([
      {
        versionId: w.D.id,
        digest: w.D.digest,
        status: 400,
        message: 'You cannot delete the last tagged version of a package.'
      }
    ])
    expect(result.deleted).toEqual(ids(w.o))
    expect(sorted(result.remaining)).toEqual(sorted(ids(w.d1, w.d2)))
    expect(result.heldBack!.map(h => h.reason)).toEqual([
      `held back: package_version=${w.D.id} that references it was not deleted (refused: 400 You cannot delete the last tagged version of a package.)`,
      `held back: package_version=${w.D.id} that references it was not deleted (refused: 400 You cannot delete the last tagged version of a package.)`
    ])
    expect(w.store.versions.get(w.d1.id)!.state).toBe('active')
  })

  it('404 on delete is "already gone", and the children still follow', async () => {
    const w = world()
    w.packages.answers.set(w.D.id, { kind: 'gone' })
    const result = await execute(w.plan, deps(w))
    expect(result.gone).toEqual(ids(w.D))
    expect(sorted(result.deleted)).toEqual(sorted(ids(w.o, w.d1, w.d2)))
    expect(result.deletedVersions!.find(d => d.versionId === w.D.id)!.gone).toBe(true)
  })

  it('a delete that errors is reported as failed and holds its children, not the package', async () => {
    const w = world()
    w.packages.answers.set(w.D.id, new Error('HTTP 502 after 4 retries'))
    const log = memoryLogger()
    const result = await execute(w.plan, deps(w, { logger: log }))
    expect(result.failed).toEqual([
      { versionId: w.D.id, digest: w.D.digest, error: 'HTTP 502 after 4 retries' }
    ])
    expect(result.deleted).toEqual(ids(w.o))
    expect(sorted(result.remaining)).toEqual(sorted(ids(w.d1, w.d2)))
    expect(log.lines).toContain(
      `warning failed to delete app:old package_version=${w.D.id} digest=${w.D.digest}: HTTP 502 after 4 retries`
    )
  })

  it('stops after a run of failed deletes instead of burning the budget', async () => {
    const w = world()
    for (const v of w.store.versions.values()) w.packages.answers.set(v.id, new Error('401 Bad credentials'))
    const result = await execute(w.plan, deps(w, { concurrency: 1, maxConsecutiveFailures: 1 }))
    expect(result.failed).toHaveLength(1)
    expect(result.stoppedReason).toBe('stopped after 1 failed deletes in a row (last: 401 Bad credentials)')
    expect(sorted(result.remaining)).toEqual(sorted(ids(w.o, w.d1, w.d2)))
  })

  it('the primary rate limit running out stops the run like a budget stop: backlog, not failures', async () => {
    const w = world()
    w.packages.answers.set(w.D.id, new RateLimitError(1_900_000_000, 1000))
    const result = await execute(w.plan, deps(w, { concurrency: 1 }))
    expect(result.failed).toEqual([])
    expect(result.deleted).toEqual([])
    expect(result.stoppedReason).toMatch(
      /^primary rate limit used up: The GitHub API rate limit of this token is used up/
    )
    expect(sorted(result.remaining)).toEqual(sorted(ids(w.D, w.o, w.d1, w.d2)))
  })

  it('a rejected token stops the run at once (every further request would fail the same way)', async () => {
    const w = world()
    w.packages.answers.set(w.D.id, new AuthenticationError('Bad credentials'))
    const result = await execute(w.plan, deps(w, { concurrency: 1 }))
    expect(result.failed.map(f => f.versionId)).toEqual(ids(w.D))
    expect(result.stoppedReason).toMatch(/^GitHub rejected the token \(401: Bad credentials\)/)
    expect(w.packages.calls.filter(c => c.startsWith('DELETE'))).toEqual([`DELETE ${w.D.id}`])
  })

  it('a budget-limited run stops cleanly; the next run finishes the backlog', async () => {
    const w = world()
    const first = await execute(
      w.plan,
      deps(w, { budget: RequestBudget.create(w.packages, 2), concurrency: 1 })
    )
    expect(first.deleted).toEqual(ids(w.D, w.o))
    expect(first.remaining).toEqual(ids(w.d1, w.d2))
    expect(first.stoppedReason).toBe('request-budget of 2 REST requests used up (2 sent)')
    // Next scheduled run: the planner sees the leftovers as orphans and plans them.
    const next = planOf(w.store, [w.d1, w.d2])
    const second = await execute(next, deps(w, { budget: RequestBudget.create(w.packages, 10) }))
    expect(second.deleted).toEqual(ids(w.d1, w.d2))
    expect(second.remaining).toEqual([])
    expect(
      w.store
        .active()
        .map(v => v.id)
        .sort()
    ).toEqual(sorted(ids(w.s, w.k1, w.k2, w.K)))
  })

  it('cancellation: in-flight deletes finish, nothing new starts, the backlog is reported', async () => {
    const w = world()
    const controller = new AbortController()
    w.packages.onDelete = id => {
      if (id === w.D.id) controller.abort()
    }
    const result = await execute(w.plan, deps(w, { signal: controller.signal, concurrency: 1 }))
    expect(result.deleted).toEqual(ids(w.D))
    expect(result.stoppedReason).toBe('cancelled')
    expect(result.remaining).toEqual(ids(w.o, w.d1, w.d2))
  })

  it('a kept tag that moved since planning triggers a re-plan before the first delete', async () => {
    const w = world()
    // Someone re-pushes `latest` onto a new index that reuses d1 (reproducible builds do that).
    const N = w.store.index([w.d1, w.k1], ['latest'])
    let replans = 0
    const replan = async (): Promise<Plan> => {
      replans++
      return planOf(w.store, [w.D, w.o, w.d2])
    }
    const result = await execute(w.plan, deps(w, { replan }))
    expect(replans).toBe(1)
    expect(result.replans).toBe(1)
    expect(sorted(result.deleted)).toEqual(sorted(ids(w.D, w.o, w.d2)))
    expect(w.store.versions.get(w.d1.id)!.state).toBe('active')
    expect(w.store.resolve('latest')!.id).toBe(N.id)
  })

  it('without a re-plan, or past the re-plan limit, a moved tag stops the package with nothing deleted', async () => {
    const w = world()
    w.store.index([w.k1], ['latest'])
    const noReplan = await execute(w.plan, deps(w))
    expect(noReplan.deleted).toEqual([])
    expect(noReplan.remaining).toEqual(w.plan.deleteOrder)
    expect(noReplan.stoppedReason).toMatch(
      /^re-plan limit: kept tags moved since planning: latest \(sha256:\w+ → sha256:\w+\)$/
    )

    let calls = 0
    const stale = await execute(w.plan, deps(w, { replan: async () => (calls++, w.plan), maxReplans: 2 }))
    expect(calls).toBe(2)
    expect(stale.deleted).toEqual([])
    expect(stale.stoppedReason).toMatch(/^re-plan limit/)
    expect(w.packages.calls.filter(c => c.startsWith('DELETE'))).toEqual([])
  })

  it('a tag that cannot be re-checked stops the package: no delete on a guess', async () => {
    const w = world()
    w.registry.failingTags.add('latest')
    const result = await execute(w.plan, deps(w))
    expect(result.deleted).toEqual([])
    expect(result.stoppedReason).toBe('could not re-check tag latest before deleting: registry unavailable')
  })

  it('never deletes a version a kept index still lists, whatever the plan says', async () => {
    const w = world()
    const plan = planOf(w.store, [w.D, w.o, w.d1, w.d2, w.k1])
    const result = await execute(plan, deps(w))
    expect(result.deleted).not.toContain(w.k1.id)
    expect(result.remaining).toEqual(ids(w.k1))
    expect(result.heldBack).toEqual([
      {
        versionId: w.k1.id,
        digest: w.k1.digest,
        reason: `kept index ${w.K.digest} (package_version=${w.K.id}) still lists it`
      }
    ])
  })

  it('orders platform images after their index even without manifests (from the decisions)', async () => {
    const w = world()
    const plan = planOf(w.store, [w.d1, w.D])
    const withRoles: Plan = {
      ...plan,
      decisions: plan.decisions.map(d =>
        d.versionId === w.d1.id ? { ...d, role: 'platform-image', parent: w.D.digest } : d
      )
    }
    await execute(withRoles, deps(w, { manifests: undefined, concurrency: 4 }))
    expect(w.packages.calls.filter(c => c.startsWith('DELETE'))).toEqual([
      `DELETE ${w.D.id}`,
      `DELETE ${w.d1.id}`
    ])
  })

  it('dry run: sends no write and no HEAD, reports what it would delete', async () => {
    const w = world()
    const result = await execute(w.plan, deps(w, { dryRun: true }))
    expect(result.dryRun).toBe(true)
    expect(result.deleted).toEqual(w.plan.deleteOrder)
    expect(w.packages.requestCount).toBe(0)
    expect(w.registry.requestCount).toBe(0)
  })

  it('a plan stopped by the safety cap deletes nothing and says so', async () => {
    const w = world()
    const result = await execute(
      { ...w.plan, deleteOrder: [], blocked: 'plan deletes 4 of 9 versions, max-deletions is 2' },
      deps(w)
    )
    expect(result.stoppedReason).toBe(
      'blocked by the safety cap: plan deletes 4 of 9 versions, max-deletions is 2'
    )
    expect(w.packages.requestCount).toBe(0)
  })
})

describe('tagsToRecheck', () => {
  it('picks kept tags sharing content with deletes, plus the newest kept tags', () => {
    const w = world()
    const unrelated = w.store.index([w.store.image()], ['v1'])
    const plan = planOf(w.store, [w.D, w.o, w.d1, w.d2])
    expect(tagsToRecheck(plan, w.manifests, 0).map(c => c.tag)).toEqual(['latest'])
    expect(tagsToRecheck(plan, manifestsOf(w.store), 1).map(c => c.tag)).toEqual(['latest', 'v1'])
    expect(tagsToRecheck({ ...plan, deleteOrder: [] }, w.manifests, 10)).toEqual([])
    expect(unrelated.tags).toEqual(['v1'])
  })
})

describe('buildDeleteGraph', () => {
  it('a cosign signature tag (no subject field) goes before the image it signs', async () => {
    const { buildDeleteGraph } = await import('../../src/execute/DeleteGraph.js')
    const store = new FakeStore()
    const image = store.image(['old'])
    const sig = store.image([`sha256-${image.digest.slice(7)}.sig`])
    store.image(['latest'])
    const graph = buildDeleteGraph(planOf(store, [sig, image]), manifestsOf(store))
    expect(graph.after.get(image.id)).toEqual([sig.id])
    expect(graph.after.get(sig.id)).toBeUndefined()
  })
})
