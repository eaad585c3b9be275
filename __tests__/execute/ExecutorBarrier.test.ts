/**
 * The write barrier inside the executor, on the in-memory fakes: what a hold, a failed pass, a dry run and a
 * cancellation during a pass do to the deletes, the journal and the result. The races themselves, against
 * the moving simulator, are in __tests__/cli/registryRaces.sim.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import { execute, type ExecuteDeps } from '../../src/execute/Executor.js'
import type { DeleteAnswer, DeleteIntent } from '../../src/execute/ExecutionResult.js'
import { FakePackages, FakeRegistry, FakeStore, executeDeps, memoryLogger, planOf } from './fakes.js'

/** `old` → D{d1, d2} and its cosign signature `sha256-<D>.sig`, all planned; `latest` → K{k} kept. */
function world() {
  const store = new FakeStore()
  const d1 = store.image()
  const d2 = store.image()
  const k = store.image()
  const D = store.index([d1, d2], ['old'])
  const sig = store.image([`sha256-${D.digest.slice(7)}.sig`])
  const K = store.index([k], ['latest'])
  const packages = new FakePackages(store)
  const registry = new FakeRegistry(store)
  const plan = planOf(store, [sig, D, d1, d2])
  return { store, packages, registry, plan, d1, d2, k, D, sig, K }
}

type World = ReturnType<typeof world>

function deps(w: World, extra: Partial<ExecuteDeps> = {}): ExecuteDeps {
  return executeDeps(w.store, w.packages, { registry: w.registry, concurrency: 2, ...extra })
}

const deletes = (w: World) => w.packages.calls.filter(c => c.startsWith('DELETE '))

describe('execute with the write barrier', () => {
  it('holds a planned delete a new tag carries, and everything that waits on it, with no journal intent', async () => {
    const w = world()
    // Between planning and deleting, CI tags the signature (a carbon copy under a new tag).
    const plan = w.plan
    w.store.tag('v2', w.sig)
    const intents: DeleteIntent[] = []
    const answers: DeleteAnswer[] = []
    const log = memoryLogger()
    const result = await execute(plan, {
      ...deps(w),
      logger: log,
      journal: {
        intent: async e => void intents.push(e),
        result: async e => void answers.push(e)
      }
    })
    // The signature is held; the index it signs waits on it (its subject goes only after it), and the
    // index's children wait on the index: nothing is deleted.
    expect(deletes(w)).toEqual([])
    expect(intents).toEqual([])
    expect(answers).toEqual([])
    expect(result.stoppedReason).toBeUndefined()
    const byId = [...(result.heldBack ?? [])].sort((a, b) => a.versionId - b.versionId)
    expect(byId).toEqual([
      ...[w.d1, w.d2, w.D].map(v => ({
        versionId: v.id,
        digest: v.digest,
        reason: `held back: package_version=${w.sig.id} that references it was not deleted (write barrier: tag v2 is new since the listing and points at it)`
      })),
      {
        versionId: w.sig.id,
        digest: w.sig.digest,
        reason: 'write barrier: tag v2 is new since the listing and points at it'
      }
    ])
    expect([...result.remaining].sort()).toEqual([w.sig.id, w.D.id, w.d1.id, w.d2.id].sort())
    expect(log.lines).toContain(
      `warning app: not deleting package_version=${w.sig.id} (${w.sig.digest}): tag v2 is new since the listing and points at it (write barrier)`
    )
    expect(result.barrier).toEqual({ passes: 1, heads: 2, manifestsWalked: 1, requests: 4, held: 1 })
    // Nothing was deleted after the pass: no window to state.
    expect(log.lines.some(l => l.includes('tags were last checked'))).toBe(false)
  })

  it('deletes what no new tag reaches, and states the window after the last pass', async () => {
    const w = world()
    w.store.tag('v2', w.d2)
    const log = memoryLogger()
    const result = await execute(w.plan, { ...deps(w), logger: log })
    expect(deletes(w)).toEqual([`DELETE ${w.sig.id}`, `DELETE ${w.D.id}`, `DELETE ${w.d1.id}`])
    expect(w.store.resolve('v2')?.digest).toBe(w.d2.digest)
    expect(result.remaining).toEqual([w.d2.id])
    expect(log.lines.filter(l => l.includes('tags were last checked'))).toEqual([
      expect.stringMatching(
        /^info app: tags were last checked at \d\d:\d\d:\d\d UTC; a tag pushed in the \d+s before the last of the 3 deletes that followed/
      )
    ])
  })

  it('sends no delete when the pass before the first one cannot read the tag list', async () => {
    const w = world()
    w.registry.listTags = async () => {
      throw new Error('GET acme/app tags/list: HTTP 503 after 4 retries')
    }
    const result = await execute(w.plan, deps(w))
    expect(deletes(w)).toEqual([])
    expect(result.stoppedReason).toBe(
      "write barrier: could not read the registry's tags (GET acme/app tags/list: HTTP 503 after 4 retries); no further delete this run"
    )
    expect(result.remaining).toEqual(w.plan.deleteOrder)
  })

  it('re-runs the pass once a minute has passed and stops the deletes when it fails twice in a row', async () => {
    const w = world()
    let clock = 0
    let reads = 0
    const list = w.registry.listTags.bind(w.registry)
    w.registry.listTags = async () => {
      if (++reads >= 2) throw new Error('connection reset')
      return list()
    }
    w.packages.onDelete = () => {
      clock += 61_000
    }
    const result = await execute(w.plan, { ...deps(w), concurrency: 1, now: () => clock })
    // The signature went after the first pass; the pass before the index, a minute later, failed.
    expect(deletes(w)).toEqual([`DELETE ${w.sig.id}`])
    expect(result.stoppedReason).toMatch(
      /^write barrier: could not read the registry's tags \(connection reset\)/
    )
    expect([...result.remaining].sort()).toEqual([w.D.id, w.d1.id, w.d2.id].sort())
    expect(reads).toBe(3)
  })

  it('reads the tags again at once when a pass fails once, and goes on deleting', async () => {
    const w = world()
    let reads = 0
    const list = w.registry.listTags.bind(w.registry)
    w.registry.listTags = async () => {
      if (++reads === 1) throw new Error('HEAD acme/app:latest: HTTP 401')
      return list()
    }
    const log = memoryLogger()
    const result = await execute(w.plan, { ...deps(w), logger: log })
    expect(deletes(w)).toHaveLength(4)
    expect(result.stoppedReason).toBeUndefined()
    expect(result.barrier?.passes).toBe(1)
    expect(log.lines).toContain(
      "info app: write barrier: could not read the registry's tags (HEAD acme/app:latest: HTTP 401); reading the tags again"
    )
  })

  it('does not send a delete whose pass outlived a cancellation', async () => {
    const w = world()
    const controller = new AbortController()
    const list = w.registry.listTags.bind(w.registry)
    let reads = 0
    w.registry.listTags = async () => {
      // The second pass (due before the index) is where the user cancels.
      if (++reads === 2) controller.abort()
      return list()
    }
    let clock = 0
    w.packages.onDelete = () => {
      clock += 61_000
    }
    const result = await execute(w.plan, {
      ...deps(w),
      concurrency: 1,
      now: () => clock,
      signal: controller.signal
    })
    expect(deletes(w)).toEqual([`DELETE ${w.sig.id}`])
    expect(result.stoppedReason).toBe('cancelled')
    expect(result.remaining).toContain(w.D.id)
  })

  it('runs no barrier in a dry run, and says a real run would', async () => {
    const w = world()
    const log = memoryLogger()
    const result = await execute(w.plan, { ...deps(w), dryRun: true, logger: log })
    expect(w.registry.calls).toEqual([])
    expect(result.barrier).toBeUndefined()
    expect(log.lines).toContain(
      "info app: a real run reads the registry's tags again right before its first delete and at least every minute while deleting, and keeps what a tag new or moved since the listing reaches"
    )
  })
})
