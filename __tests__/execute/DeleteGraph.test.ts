import { describe, expect, it } from '@jest/globals'
import { buildDeleteGraph } from '../../src/execute/DeleteGraph.js'
import { execute, type ExecuteDeps } from '../../src/execute/Executor.js'
import { RequestBudget } from '../../src/execute/RequestBudget.js'
import { sha256Digest } from '../../src/model/Manifest.js'
import { FakePackages, FakeStore, manifestsOf, planOf, type StoredVersion, executeDeps } from './fakes.js'

const LAST_TAGGED = 'You cannot delete the last tagged version of a package.'

/** Runs the plan against the store; `log` records when each delete started and when it was answered. */
async function run(store: FakeStore, del: StoredVersion[], extra: Partial<ExecuteDeps> = {}) {
  const packages = new FakePackages(store)
  const log: string[] = []
  packages.onDelete = async id => {
    log.push(`start ${id}`)
    await new Promise(r => setImmediate(r))
    log.push(`end ${id}`)
  }
  const plan = planOf(store, del)
  const result = await execute(plan, executeDeps(store, packages, { concurrency: 4, ...extra }))
  return { result, packages, log, plan }
}

/** Answers for the fake, set before the run. */
function answering(
  store: FakeStore,
  answers: [StoredVersion, Error | { status: number; message: string }][]
) {
  const packages = new FakePackages(store)
  for (const [v, a] of answers) {
    packages.answers.set(v.id, a instanceof Error ? a : { kind: 'refused', ...a })
  }
  return packages
}

const ids = (...vs: StoredVersion[]) => vs.map(v => v.id)
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)
const active = (store: FakeStore, ...vs: StoredVersion[]) =>
  vs.map(v => store.versions.get(v.id)!.state === 'active')
const crafted = (name: string) => sha256Digest(`crafted ${name}`)
const listedBy = (K: StoredVersion) => `kept index ${K.digest} (package_version=${K.id}) still lists it`

describe('a held-back version holds back everything it references, at every depth', () => {
  it('K→I→M: kept K lists planned I, I lists planned M; neither is deleted', async () => {
    const store = new FakeStore()
    const M = store.image()
    const I = store.index([M])
    const K = store.index([I], ['latest'])
    const { result, packages } = await run(store, [I, M])
    expect(packages.calls.filter(c => c.startsWith('DELETE'))).toEqual([])
    expect(active(store, K, I, M)).toEqual([true, true, true])
    expect(result.deleted).toEqual([])
    expect(sorted(result.remaining)).toEqual(sorted(ids(I, M)))
    expect(result.heldBack).toEqual([
      { versionId: I.id, digest: I.digest, reason: listedBy(K) },
      {
        versionId: M.id,
        digest: M.digest,
        reason: `held back: package_version=${I.id} that references it is held back (${listedBy(K)})`
      }
    ])
  })

  it('a dry run reports the same hold-back as a real run', async () => {
    const store = new FakeStore()
    const M = store.image()
    const I = store.index([M])
    store.index([I], ['latest'])
    const o = store.image()
    const { result, packages } = await run(store, [I, M, o], { dryRun: true })
    expect(result.deleted).toEqual(ids(o))
    expect(sorted(result.remaining)).toEqual(sorted(ids(I, M)))
    expect(packages.requestCount).toBe(0)
  })

  it('a deeper chain K→I→J→L→M holds all four; each names its held parent and the first hold', async () => {
    const store = new FakeStore()
    const M = store.image()
    const L = store.index([M])
    const J = store.index([L])
    const I = store.index([J])
    const K = store.index([I], ['latest'])
    const o = store.image()
    const { result } = await run(store, [I, J, L, M, o])
    expect(result.deleted).toEqual(ids(o))
    expect(active(store, K, I, J, L, M, o)).toEqual([true, true, true, true, true, false])
    const because = (v: StoredVersion) => result.heldBack!.find(h => h.versionId === v.id)?.reason
    expect(because(I)).toBe(listedBy(K))
    expect(because(J)).toBe(
      `held back: package_version=${I.id} that references it is held back (${listedBy(K)})`
    )
    expect(because(L)).toBe(
      `held back: package_version=${J.id} that references it is held back (package_version=${I.id}: ${listedBy(K)})`
    )
    expect(because(M)).toBe(
      `held back: package_version=${L.id} that references it is held back (package_version=${I.id}: ${listedBy(K)})`
    )
  })

  it('diamond: a child of a held version and of a deleted one stays', async () => {
    // kept K lists A; planned D lists B; A and B both list C. Deleting D and B is fine; C is still under K.
    const store = new FakeStore()
    const C = store.image()
    const A = store.index([C])
    const B = store.index([C])
    const K = store.index([A], ['latest'])
    const D = store.index([B], ['old'])
    const { result } = await run(store, [D, A, B, C])
    expect(sorted(result.deleted)).toEqual(sorted(ids(D, B)))
    expect(active(store, K, A, C)).toEqual([true, true, true])
    expect(result.heldBack).toEqual([
      { versionId: A.id, digest: A.digest, reason: listedBy(K) },
      {
        versionId: C.id,
        digest: C.digest,
        reason: `held back: package_version=${A.id} that references it is held back (${listedBy(K)})`
      }
    ])
  })

  it('diamond under one held index: every path is held, the shared child once', async () => {
    const store = new FakeStore()
    const C = store.image()
    const A = store.index([C])
    const B = store.index([C])
    const I = store.index([A, B])
    store.index([I], ['latest'])
    const { result, packages } = await run(store, [I, A, B, C])
    expect(packages.calls.filter(c => c.startsWith('DELETE'))).toEqual([])
    expect(result.heldBack!.map(h => h.versionId)).toEqual(ids(I, A, B, C))
    expect(sorted(result.remaining)).toEqual(sorted(ids(I, A, B, C)))
  })

  it('a signature of an image under a held index may go; the image stays', async () => {
    // kept K lists planned index I; I lists an image X; a planned signature S of X is not under K.
    const store = new FakeStore()
    const X = store.image()
    const I = store.index([X])
    const K = store.index([I], ['latest'])
    const S = store.image([`sha256-${X.digest.slice(7)}.sig`])
    const { result } = await run(store, [I, S, X])
    // S only describes X: it may go; X is still listed (through I) by the kept K.
    expect(result.deleted).toEqual(ids(S))
    expect(active(store, K, I, X)).toEqual([true, true, true])
  })
})

describe('every version id of a digest has its place in the order', () => {
  it('each id of a child digest waits on every id of each parent digest', () => {
    const store = new FakeStore()
    const c1 = store.image()
    const p1 = store.index([c1])
    const p2 = store.duplicate(p1)
    const c2 = store.duplicate(c1)
    store.image(['latest'])
    const graph = buildDeleteGraph(planOf(store, [p1, p2, c1, c2]), manifestsOf(store))
    expect(sorted(graph.after.get(c1.id)!)).toEqual(sorted(ids(p1, p2)))
    expect(sorted(graph.after.get(c2.id)!)).toEqual(sorted(ids(p1, p2)))
    expect(graph.after.get(p1.id)).toBeUndefined()
    expect(graph.held.size).toBe(0)
  })

  it('no id of a child digest is deleted before its index is answered', async () => {
    const store = new FakeStore()
    const c1 = store.image()
    const I = store.index([c1])
    const c2 = store.duplicate(c1)
    store.image(['latest'])
    const { result, log } = await run(store, [I, c1, c2])
    expect(sorted(result.deleted)).toEqual(sorted(ids(I, c1, c2)))
    for (const c of [c1, c2]) expect(log.indexOf(`end ${I.id}`)).toBeLessThan(log.indexOf(`start ${c.id}`))
  })

  it('an index whose delete fails holds every id of its child digest', async () => {
    const store = new FakeStore()
    const c1 = store.image()
    const I = store.index([c1], ['old'])
    const c2 = store.duplicate(c1)
    store.image(['latest'])
    const packages = answering(store, [[I, new Error('HTTP 502 after 4 retries')]])
    const { result } = await run(store, [I, c1, c2], { packages, budget: RequestBudget.create(packages) })
    expect(result.deleted).toEqual([])
    expect(active(store, I, c1, c2)).toEqual([true, true, true])
    expect(sorted(result.heldBack!.map(h => h.versionId))).toEqual(sorted(ids(c1, c2)))
  })

  it('a refused id of a parent digest holds the child: the parent is still listed through it', async () => {
    const store = new FakeStore()
    const c = store.image()
    const p1 = store.index([c])
    const p2 = store.duplicate(p1, ['old'])
    store.image(['latest'])
    const packages = answering(store, [[p2, { status: 400, message: LAST_TAGGED }]])
    const { result } = await run(store, [p1, p2, c], { packages, budget: RequestBudget.create(packages) })
    expect(result.deleted).toEqual(ids(p1))
    expect(store.live(p1.digest)?.id).toBe(p2.id)
    expect(active(store, c)).toEqual([true])
    expect(result.heldBack).toEqual([
      {
        versionId: c.id,
        digest: c.digest,
        reason: `held back: package_version=${p2.id} that references it was not deleted (refused: 400 ${LAST_TAGGED})`
      }
    ])
  })

  it('a planned id whose digest a kept id also lists stays', async () => {
    const store = new FakeStore()
    const x1 = store.image(['v1'])
    const x2 = store.duplicate(x1)
    const { result, packages } = await run(store, [x2])
    expect(packages.calls.filter(c => c.startsWith('DELETE'))).toEqual([])
    expect(result.heldBack).toEqual([
      { versionId: x2.id, digest: x2.digest, reason: `kept package_version=${x1.id} has the same digest` }
    ])
  })
})

describe('reference loops', () => {
  it('K→I→M→I: the hold-back follows the loop and ends', async () => {
    const store = new FakeStore()
    const dI = crafted('I')
    const dM = crafted('M')
    const I = store.craftedIndex(dI, [dM])
    const M = store.craftedIndex(dM, [dI])
    const K = store.index([I], ['latest'])
    const { result, packages } = await run(store, [I, M])
    expect(packages.calls.filter(c => c.startsWith('DELETE'))).toEqual([])
    expect(result.heldBack).toEqual([
      { versionId: I.id, digest: dI, reason: listedBy(K) },
      {
        versionId: M.id,
        digest: dM,
        reason: `held back: package_version=${I.id} that references it is held back (${listedBy(K)})`
      }
    ])
  })

  it('planned versions on a loop stay, with what they reference; the rest goes', async () => {
    // A lists B, B lists A and C: whichever of A, B went first, the other would list a missing manifest.
    const store = new FakeStore()
    const C = store.image()
    const dA = crafted('A')
    const dB = crafted('B')
    const A = store.craftedIndex(dA, [dB])
    const B = store.craftedIndex(dB, [dA, C.digest])
    const o = store.image()
    store.image(['latest'])
    const { result } = await run(store, [A, B, C, o])
    expect(result.deleted).toEqual(ids(o))
    expect(active(store, A, B, C)).toEqual([true, true, true])
    const loop = (other: StoredVersion) =>
      `lies on a reference loop with package_version=${other.id}: whichever went first, the other would list a missing manifest`
    expect(result.heldBack).toEqual([
      { versionId: A.id, digest: dA, reason: loop(B) },
      { versionId: B.id, digest: dB, reason: loop(A) },
      {
        versionId: C.id,
        digest: C.digest,
        reason: `held back: package_version=${B.id} that references it is held back (${loop(A)})`
      }
    ])
  })
})
