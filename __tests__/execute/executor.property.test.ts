/**
 * The executor's safety net, by property: random nested packages (indexes of indexes, shared children,
 * BuildKit attestations, artifacts with a subject, cosign tags, loops, absent children, one digest listed
 * under two version ids), plans that disagree with the manifests (any version kept or deleted, in any order),
 * deletes that fail, are refused or rate-limited, budgets and cancellations that cut the run anywhere, and
 * CI pushing meanwhile (issue 17): new tags put on planned deletes and new indexes pushed over them, right
 * before a write barrier pass or while a delete is in flight, with the run's clock moving 0–2 minutes a delete.
 *
 * The judge is independent of the code under test: it reads the generated package description and the fake
 * registry's final state, and walks the references itself (no DeleteGraph, planner or manifest parsing).
 */
import { describe, it } from '@jest/globals'
import fc from 'fast-check'
import { execute } from '../../src/execute/Executor.js'
import { RequestBudget } from '../../src/execute/RequestBudget.js'
import { AuthenticationError, RateLimitError } from '../../src/github/errors.js'
import type { DeleteOutcome } from '../../src/github/PackagesApi.js'
import { sha256Digest } from '../../src/model/Manifest.js'
import { MediaTypes } from '../../src/model/MediaType.js'
import type { PackageRef } from '../../src/model/PackageVersion.js'
import type { ManifestFact } from '../../src/model/ManifestFact.js'
import type { Plan } from '../../src/planner/Plan.js'
import {
  FakePackages,
  FakeRegistry,
  FakeStore,
  PKG,
  decision,
  manifestsOf,
  type StoredVersion
} from './fakes.js'

/** Node numbers in the description are taken modulo the node count, so every draw names a node. */
const MAX_NODES = 9

const FAULTS = [
  'gone',
  'refused-last-tagged',
  'refused-downloads',
  'refused-permission',
  'error',
  'rate-limit',
  'bad-token'
] as const
type Fault = (typeof FAULTS)[number] | 'ok'

interface IdSpec {
  /** The plan deletes this id (else it keeps it). */
  readonly del: boolean
  readonly fault: Fault
  /** Ticks the fake waits before answering the delete (interleaves concurrent deletes). */
  readonly ticks: number
  /** Place in the plan's delete order (ties: creation order). */
  readonly rank: number
}

interface NodeSpec {
  readonly kind: 'image' | 'index' | 'artifact'
  /** index: the nodes it lists (itself and loops included). */
  readonly children: readonly number[]
  /** index: its last child is listed as a BuildKit attestation of its first. */
  readonly attestation: boolean
  /** index: also lists a digest that is not in the package. */
  readonly absentChild: boolean
  /** artifact: the node named by its `subject`. */
  readonly subject: number
  /** A cosign tag `sha256-<hex of that node>.sig` (or .att, .sbom, bare) on the first id. */
  readonly signs: number | null
  readonly tagged: boolean
  /** The digest is pinned: the plan keeps all its ids (a pin the executor only knows through the plan). */
  readonly pinned: boolean
  readonly first: IdSpec
  /** The same digest listed again under a second version id. */
  readonly twin: IdSpec | null
}

/** CI pushing during the run. */
interface MoveSpec {
  /** `retag`: a new tag on the node's first id still present; `index`: a new index over the nodes still present. */
  readonly kind: 'retag' | 'index'
  readonly nodes: readonly number[]
  /** Right before the nth write barrier pass reads the tag list, or while the nth DELETE is in flight. */
  readonly when: 'pass' | 'delete'
  readonly nth: number
}

interface World {
  readonly nodes: readonly NodeSpec[]
  readonly moves: readonly MoveSpec[]
  /** Minutes the run's clock moves per delete: a barrier pass is due again once a minute has passed. */
  readonly minutesPerDelete: number
  readonly concurrency: number
  /** request-budget (DELETEs are the only REST requests here); null = none. */
  readonly budget: number | null
  /** Cancel when this many deletes have started (0 = before the run); null = never. */
  readonly cancelAt: number | null
  readonly maxFailures: number
}

const idSpecArb: fc.Arbitrary<IdSpec> = fc.record({
  // Two in three deleted, so that plenty of deletes get past the kept ones.
  del: fc.nat({ max: 2 }).map(k => k > 0),
  fault: fc.oneof(
    { weight: 7, arbitrary: fc.constant<Fault>('ok') },
    { weight: 3, arbitrary: fc.constantFrom<Fault>(...FAULTS) }
  ),
  ticks: fc.nat({ max: 2 }),
  rank: fc.nat({ max: 30 })
})

const nodeArb = (twins: boolean): fc.Arbitrary<NodeSpec> =>
  fc.record({
    kind: fc.constantFrom<NodeSpec['kind']>('image', 'index', 'index', 'artifact'),
    children: fc.uniqueArray(fc.nat({ max: MAX_NODES - 1 }), { minLength: 1, maxLength: 3 }),
    attestation: fc.boolean(),
    absentChild: fc.nat({ max: 5 }).map(k => k === 5),
    subject: fc.nat({ max: MAX_NODES - 1 }),
    signs: fc.oneof(
      { weight: 4, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.nat({ max: MAX_NODES - 1 }) }
    ),
    tagged: fc.boolean(),
    pinned: fc.nat({ max: 6 }).map(k => k === 6),
    first: idSpecArb,
    twin: twins
      ? fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: idSpecArb })
      : fc.constant(null)
  })

const moveArb: fc.Arbitrary<MoveSpec> = fc.record({
  kind: fc.constantFrom<MoveSpec['kind']>('retag', 'index'),
  nodes: fc.uniqueArray(fc.nat({ max: MAX_NODES - 1 }), { minLength: 1, maxLength: 3 }),
  when: fc.constantFrom<MoveSpec['when']>('pass', 'delete'),
  nth: fc.integer({ min: 1, max: 6 })
})

const worldArb = (twins: boolean): fc.Arbitrary<World> =>
  fc.record({
    nodes: fc.array(nodeArb(twins), { minLength: 1, maxLength: MAX_NODES }),
    moves: fc.oneof(
      { weight: 1, arbitrary: fc.constant([]) },
      { weight: 2, arbitrary: fc.array(moveArb, { minLength: 1, maxLength: 3 }) }
    ),
    minutesPerDelete: fc.constantFrom(0, 0.5, 1, 2),
    concurrency: fc.integer({ min: 1, max: 4 }),
    budget: fc.oneof(
      { weight: 3, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.nat({ max: 12 }) }
    ),
    cancelAt: fc.oneof(
      { weight: 3, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.nat({ max: 8 }) }
    ),
    maxFailures: fc.integer({ min: 1, max: 5 })
  })

const digestOf = (i: number) => sha256Digest(`node ${i}`)

/** What each node references, straight from the description: the judge's own picture of the package. */
interface Refs {
  /** Digests the manifest body lists (index children, attestations included); present while any id is. */
  readonly children: readonly string[]
  /** Digest the manifest body names as its subject; present while any id is. */
  readonly subject?: string
  /** Digest named by the cosign tag of the first id; present while that id is. */
  readonly signs?: string
}

/**
 * The cosign-style tag of each node's first id, if any. A tag names one manifest, so the nodes that sign the
 * same digest take `.sig`, `.att`, `.sbom` and the bare referrers tag in turn; any further one carries none.
 */
function signTags(world: World): ({ tag: string; subject: string } | undefined)[] {
  const n = world.nodes.length
  const used = new Map<string, number>()
  return world.nodes.map(node => {
    if (node.signs === null) return undefined
    const subject = digestOf(node.signs % n)
    const k = used.get(subject) ?? 0
    used.set(subject, k + 1)
    const suffix = ['.sig', '.att', '.sbom', ''][k]
    return suffix === undefined ? undefined : { tag: `sha256-${subject.slice(7)}${suffix}`, subject }
  })
}

function refsOf(world: World): Refs[] {
  const signed = signTags(world)
  const n = world.nodes.length
  return world.nodes.map((node, i) => ({
    children:
      node.kind === 'index'
        ? [
            ...node.children.map(c => digestOf(c % n)),
            ...(node.absentChild ? [sha256Digest(`absent ${i}`)] : [])
          ]
        : [],
    ...(node.kind === 'artifact' ? { subject: digestOf(node.subject % n) } : {}),
    ...(signed[i] !== undefined ? { signs: signed[i]!.subject } : {})
  }))
}

function body(world: World, i: number): { body: object; mediaType: string } {
  const node = world.nodes[i]
  const n = world.nodes.length
  const typeOf = (j: number) =>
    world.nodes[j].kind === 'index' ? MediaTypes.ociIndex : MediaTypes.ociManifest
  if (node.kind === 'index') {
    const manifests: object[] = node.children.map((c, k) => {
      const attests = node.attestation && k === node.children.length - 1 && k > 0
      return {
        mediaType: typeOf(c % n),
        digest: digestOf(c % n),
        size: 1,
        ...(attests
          ? {
              annotations: {
                'vnd.docker.reference.type': 'attestation-manifest',
                'vnd.docker.reference.digest': digestOf(node.children[0] % n)
              }
            }
          : {})
      }
    })
    if (node.absentChild) {
      manifests.push({ mediaType: MediaTypes.ociManifest, digest: sha256Digest(`absent ${i}`), size: 1 })
    }
    return {
      body: { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests },
      mediaType: MediaTypes.ociIndex
    }
  }
  return {
    body: {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      ...(node.kind === 'artifact'
        ? { artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' }
        : {}),
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256Digest(`config ${i}`),
        size: 2
      },
      layers: [],
      ...(node.kind === 'artifact'
        ? { subject: { mediaType: typeOf(node.subject % n), digest: digestOf(node.subject % n), size: 1 } }
        : {})
    },
    mediaType: MediaTypes.ociManifest
  }
}

const REFUSALS: Partial<Record<Fault, DeleteOutcome>> = {
  gone: { kind: 'gone' },
  'refused-last-tagged': {
    kind: 'refused',
    status: 400,
    message: 'You cannot delete the last tagged version of a package. You must delete the package instead.'
  },
  'refused-downloads': {
    kind: 'refused',
    status: 400,
    message: 'Publicly visible package versions with more than 5000 downloads cannot be deleted.'
  },
  'refused-permission': { kind: 'refused', status: 403, message: 'Must have admin rights to Package.' }
}

/** 404 means the version is gone by the time the delete arrives: the fake's store says so too. */
class AnsweringPackages extends FakePackages {
  override async deleteVersion(pkg: PackageRef, id: number): Promise<DeleteOutcome> {
    const outcome = await super.deleteVersion(pkg, id)
    const v = this.store.versions.get(id)
    if (outcome.kind === 'gone' && v?.state === 'active') v.state = 'deleted'
    return outcome
  }
}

/**
 * The registry as the barrier reads it, moving: pushes due before the nth tag-list read happen first. An
 * absent manifest answers 404 (notFound), as a registry does.
 */
class MovingRegistry extends FakeRegistry {
  passes = 0
  constructor(
    store: FakeStore,
    private readonly timeline: string[],
    private readonly beforePass: (nth: number) => void,
    private readonly onRead: () => void
  ) {
    super(store)
  }

  override async listTags(): Promise<string[]> {
    this.beforePass(++this.passes)
    this.timeline.push('TAGS')
    this.onRead()
    return super.listTags()
  }

  override async fetchManifest(repo: string, digest: string): Promise<ManifestFact> {
    const fact = await super.fetchManifest(repo, digest)
    return fact.ok ? fact : { ...fact, notFound: true }
  }
}

/** A move that happened: the tag it added, what the tag points at, and where in the timeline it happened. */
interface FiredMove {
  readonly tag: string
  readonly root: string
  /** A new index: the digests it lists (else the root is a node of the package). */
  readonly lists?: readonly string[]
  readonly at: number
}

interface Built {
  readonly store: FakeStore
  readonly plan: Plan
  /** Version ids per node: first, then the twin. */
  readonly idsOfNode: readonly (readonly StoredVersion[])[]
  readonly specOf: ReadonlyMap<number, IdSpec>
  readonly nodeOfId: ReadonlyMap<number, number>
}

function build(world: World): Built {
  const store = new FakeStore()
  const n = world.nodes.length
  const signed = signTags(world)
  const idsOfNode: StoredVersion[][] = []
  const specOf = new Map<number, IdSpec>()
  const nodeOfId = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const node = world.nodes[i]
    const { body: b, mediaType } = body(world, i)
    const sign = signed[i]
    const tags = [...(node.tagged ? [`t${i}`] : []), ...(sign ? [sign.tag] : [])]
    const first = store.add(b, mediaType, tags, digestOf(i))
    const ids = [first]
    if (node.twin) ids.push(store.duplicate(first))
    idsOfNode.push(ids)
    specOf.set(first.id, node.first)
    if (node.twin) specOf.set(ids[1].id, node.twin)
    for (const v of ids) nodeOfId.set(v.id, i)
  }
  const planned = (v: StoredVersion) => specOf.get(v.id)!.del && !world.nodes[nodeOfId.get(v.id)!].pinned
  const all = idsOfNode.flat()
  const deleteOrder = all
    .filter(planned)
    .sort((a, b) => specOf.get(a.id)!.rank - specOf.get(b.id)!.rank || a.id - b.id)
    .map(v => v.id)
  const plan: Plan = {
    packageName: 'app',
    decisions: all.map(v => decision(v, planned(v) ? 'delete' : 'keep')),
    deleteOrder,
    warnings: []
  }
  return { store, plan, idsOfNode, specOf, nodeOfId }
}

async function runWorld(world: World) {
  const built = build(world)
  const { store, plan, specOf, idsOfNode } = built
  const packages = new AnsweringPackages(store)
  const n = world.nodes.length
  /** DELETE <id> and TAGS (a barrier pass read the tag list), in the order they happened. */
  const timeline: string[] = []
  /** The run's clock at each timeline entry. */
  const clockAt: number[] = []
  const fired: FiredMove[] = []
  const fire = (when: MoveSpec['when'], nth: number): void => {
    world.moves.forEach((m, k) => {
      if (m.when !== when || m.nth !== nth) return
      const tag = `m${k}`
      const live = [...new Set(m.nodes.map(i => i % n))].filter(i =>
        idsOfNode[i].some(v => store.versions.get(v.id)!.state === 'active')
      )
      if (live.length === 0) return
      if (m.kind === 'retag') {
        const v = idsOfNode[live[0]].find(x => store.versions.get(x.id)!.state === 'active')!
        store.tag(tag, v)
        fired.push({ tag, root: v.digest, at: timeline.length })
        return
      }
      // docker buildx imagetools create -t <tag> <sources…>: a new index over manifests already pushed.
      const lists = live.map(digestOf)
      const v = store.add(
        {
          schemaVersion: 2,
          mediaType: MediaTypes.ociIndex,
          manifests: live.map(i => ({
            mediaType: world.nodes[i].kind === 'index' ? MediaTypes.ociIndex : MediaTypes.ociManifest,
            digest: digestOf(i),
            size: 1
          })),
          annotations: { move: tag }
        },
        MediaTypes.ociIndex,
        [tag]
      )
      fired.push({ tag, root: v.digest, lists, at: timeline.length })
    })
  }
  const registry = new MovingRegistry(
    store,
    timeline,
    nth => fire('pass', nth),
    () => clockAt.push(clock)
  )
  let clock = Date.parse('2026-06-01T00:00:00Z')
  let deletes = 0
  for (const [id, spec] of specOf) {
    if (spec.fault === 'ok') continue
    const answer: DeleteOutcome | Error =
      REFUSALS[spec.fault] ??
      (spec.fault === 'error'
        ? new Error('HTTP 502 after 4 retries')
        : spec.fault === 'rate-limit'
          ? new RateLimitError(1_900_000_000, 5000)
          : new AuthenticationError('Bad credentials'))
    packages.answers.set(id, answer)
  }
  const controller = new AbortController()
  if (world.cancelAt === 0) controller.abort()
  let started = 0
  packages.onDelete = async id => {
    // An executor that never reads the tag list meets the first pass's pushes right before its first delete.
    if (deletes === 0 && registry.passes === 0) fire('pass', 1)
    // Synchronous with the DELETE leaving: the timeline has it in its place.
    timeline.push(`DELETE ${id}`)
    clockAt.push(clock)
    clock += world.minutesPerDelete * 60_000
    fire('delete', ++deletes)
    if (++started === world.cancelAt) controller.abort()
    for (let t = 0; t < specOf.get(id)!.ticks; t++) await new Promise(r => setImmediate(r))
  }
  const result = await execute(plan, {
    packages,
    registry,
    pkg: PKG,
    repository: 'acme/app',
    dryRun: false,
    budget: RequestBudget.create(packages, world.budget ?? undefined),
    manifests: manifestsOf(store),
    signal: controller.signal,
    concurrency: world.concurrency,
    maxConsecutiveFailures: world.maxFailures,
    now: () => clock
  })
  return { built, packages, result, timeline, clockAt, fired }
}

/** Throws with the first broken promise, in the judge's own words. */
function judge(world: World, run: Awaited<ReturnType<typeof runWorld>>): void {
  const { built, packages, result, timeline, clockAt, fired } = run
  const { store, plan, idsOfNode, nodeOfId } = built
  const refs = refsOf(world)
  const n = world.nodes.length
  const kept = new Set(plan.decisions.filter(d => d.action === 'keep').map(d => d.versionId))
  const isActive = (v: StoredVersion) => store.versions.get(v.id)!.state === 'active'
  // Every version was active before the run: a deleted one was deleted by it (or answered 404 to it).
  const nodeOfDigest = new Map(idsOfNode.map((ids, i) => [ids[0].digest, i]))
  const present = (i: number) => idsOfNode[i].some(isActive)
  /** Strict: a digest counts as deleted as soon as any of its ids is. */
  const deletedNode = (digest: string) => {
    const i = nodeOfDigest.get(digest)
    return i !== undefined && idsOfNode[i].some(v => !isActive(v))
  }
  /** A reference from node i to a deleted digest; a manifest naming its own digest needs nothing else. */
  const broken = (i: number, digest: string | undefined) =>
    digest !== undefined && digest !== digestOf(i) && deletedNode(digest)
  const name = (i: number) => `node ${i} (${idsOfNode[i].map(v => `package_version=${v.id}`).join(', ')})`
  const fail = (what: string): never => {
    const outcome = {
      deleted: result.deleted,
      gone: result.gone,
      refused: result.refused.map(r => r.versionId),
      failed: result.failed.map(f => f.versionId),
      remaining: result.remaining,
      heldBack: (result.heldBack ?? []).map(h => `${h.versionId}: ${h.reason}`),
      stoppedReason: result.stoppedReason
    }
    throw new Error(`${what}\nresult: ${JSON.stringify(outcome)}`)
  }

  // 1. No present manifest references a deleted one. A kept artifact about a deleted subject is the
  //    planner's call (protection flows from an image to what describes it): only child edges bind it.
  for (let i = 0; i < n; i++) {
    if (!present(i)) continue
    const r = refs[i]
    for (const c of r.children) {
      if (broken(i, c)) fail(`present ${name(i)} lists ${name(nodeOfDigest.get(c)!)}, which was deleted`)
    }
    const allKept = idsOfNode[i].every(v => kept.has(v.id))
    if (!allKept && broken(i, r.subject)) {
      fail(`present ${name(i)} names subject ${name(nodeOfDigest.get(r.subject!)!)}, which was deleted`)
    }
    const signer = idsOfNode[i][0]
    if (isActive(signer) && !kept.has(signer.id) && broken(i, r.signs)) {
      fail(
        `present signature tag of ${name(i)} names ${name(nodeOfDigest.get(r.signs!)!)}, which was deleted`
      )
    }
  }

  // 2. Every kept version and pinned digest is whole: it and everything it lists, at any depth.
  for (let i = 0; i < n; i++) {
    const root = world.nodes[i].pinned || idsOfNode[i].some(v => kept.has(v.id))
    if (!root) continue
    const seen = new Set<string>()
    const walk = [digestOf(i)]
    while (walk.length > 0) {
      const d = walk.pop()!
      if (seen.has(d)) continue
      seen.add(d)
      if (deletedNode(d)) fail(`kept ${name(i)} reaches ${name(nodeOfDigest.get(d)!)}, which was deleted`)
      const j = nodeOfDigest.get(d)
      if (j !== undefined) walk.push(...refs[j].children)
    }
    for (const v of idsOfNode[i]) {
      for (const tag of v.tags) {
        if (kept.has(v.id) && store.resolve(tag)?.digest !== v.digest)
          fail(`kept tag ${tag} of ${name(i)} broke`)
      }
    }
  }

  // 3. Only planned deletes are sent, each at most once, within the budget and not after a cancellation.
  const sent = packages.calls.filter(c => c.startsWith('DELETE ')).map(c => Number(c.slice(7)))
  const plannedIds = new Set(plan.deleteOrder)
  if (new Set(sent).size !== sent.length) fail(`a delete was sent twice: ${sent}`)
  for (const id of sent) if (!plannedIds.has(id)) fail(`package_version=${id} was deleted but not planned`)
  if (world.budget !== null && sent.length > world.budget)
    fail(`${sent.length} deletes over a budget of ${world.budget}`)
  if (world.cancelAt !== null && sent.length > world.cancelAt)
    fail(`${sent.length} deletes, cancelled at ${world.cancelAt}`)

  // 4. The result accounts for every planned delete exactly once.
  const accounted = [
    ...result.deleted,
    ...result.gone,
    ...result.refused.map(r => r.versionId),
    ...result.failed.map(f => f.versionId),
    ...result.remaining
  ]
  if (
    accounted.length !== plannedIds.size ||
    !accounted.every(id => plannedIds.has(id)) ||
    new Set(accounted).size !== plannedIds.size
  ) {
    fail(`the result does not account for each planned delete once: ${accounted} vs ${plan.deleteOrder}`)
  }
  for (const id of [...result.deleted, ...result.gone]) {
    if (isActive(store.versions.get(id)!)) fail(`package_version=${id} reported deleted but still active`)
  }

  // 5. What CI pushed meanwhile pulls in full once a barrier pass has seen it: no DELETE of anything its tag
  //    reaches leaves after that. Before it is the window no client closes: a delete already cleared may go.
  //    A push before the first delete is seen by every delete (the executor's contract: a pass right before
  //    the first delete). A later one by the first tag-list read after it; with deletes in flight, one
  //    cleared by the pass before may still leave after that read began, so from the second read on (from the
  //    first when deletes go one at a time).
  const sentAt = new Map<number, number>()
  timeline.forEach((e, at) => {
    if (e.startsWith('DELETE ')) sentAt.set(Number(e.slice(7)), at)
  })
  // Everything a pushed tag reaches through lists and subjects, present or not: what the barrier may hold.
  const reachedByMoves = new Set<string>()
  for (const m of fired) {
    const walk = [m.root]
    while (walk.length > 0) {
      const d = walk.pop()!
      if (reachedByMoves.has(d)) continue
      reachedByMoves.add(d)
      const i = nodeOfDigest.get(d)
      if (d === m.root && m.lists) walk.push(...m.lists)
      else if (i !== undefined) walk.push(...refs[i].children, ...(refs[i].subject ? [refs[i].subject!] : []))
    }
  }
  for (const m of fired) {
    const reads = timeline.flatMap((e, at) => (e === 'TAGS' && at >= m.at ? [at] : []))
    const deletedBefore = (at: number) => timeline.slice(0, at).some(e => e.startsWith('DELETE '))
    const seenAt = !deletedBefore(m.at)
      ? m.at
      : reads.length === 0
        ? undefined
        : world.concurrency === 1
          ? reads[0]
          : reads[1]
    const walk = [m.root]
    const seen = new Set<string>()
    while (walk.length > 0) {
      const d = walk.pop()!
      if (seen.has(d)) continue
      seen.add(d)
      const i = nodeOfDigest.get(d)
      const ids = i === undefined ? [] : idsOfNode[i]
      // Gone before the move was seen (in the window, or by someone else): nothing under it is pulled.
      if (
        ids.length > 0 &&
        ids.every(v => !isActive(v) && (seenAt === undefined || (sentAt.get(v.id) ?? -1) < seenAt))
      )
        continue
      for (const v of ids) {
        const at = sentAt.get(v.id)
        if (seenAt !== undefined && at !== undefined && at >= seenAt) {
          fail(
            `tag ${m.tag}, pushed during the run ${seenAt === m.at ? 'before the first delete' : 'and seen by a barrier pass'}, ` +
              `reaches ${name(i!)}, deleted after that`
          )
        }
      }
      walk.push(...(d === m.root && m.lists ? m.lists : i !== undefined ? refs[i].children : []))
    }
  }

  // 6. The barrier's own rhythm: a tag-list read before the first delete, and — one delete at a time, where
  //    the clock at a DELETE is the clock at its check — none a minute or more after the last read began.
  let lastRead: number | undefined
  timeline.forEach((e, at) => {
    if (e === 'TAGS') lastRead = at
    else if (lastRead === undefined) fail(`${e} sent before any write barrier pass`)
    else if (world.concurrency === 1 && clockAt[at] - clockAt[lastRead] >= 60_000)
      fail(`${e} sent ${(clockAt[at] - clockAt[lastRead]) / 1000}s after the last barrier pass began`)
  })

  // 7. Nothing is held back without cause: a held version is still referenced by something present (or its
  //    digest is still listed under another id), and a run that did not stop leaves only held versions.
  const referenced = (i: number) =>
    refs.some(
      (r, j) =>
        j !== i &&
        ((present(j) && (r.children.includes(digestOf(i)) || r.subject === digestOf(i))) ||
          (r.signs === digestOf(i) && isActive(idsOfNode[j][0])))
    )
  const held = new Set((result.heldBack ?? []).map(h => h.versionId))
  for (const h of result.heldBack ?? []) {
    if (h.reason.startsWith('write barrier: ') && !reachedByMoves.has(h.digest))
      fail(
        `package_version=${h.versionId} was held by the write barrier, but no tag pushed during the run reaches it`
      )
  }
  const byBarrier = new Set(
    (result.heldBack ?? []).filter(h => h.reason.startsWith('write barrier: ')).map(h => h.versionId)
  )
  for (const id of held) {
    if (byBarrier.has(id)) continue
    const i = nodeOfId.get(id)!
    if (!referenced(i) && !idsOfNode[i].some(v => v.id !== id && isActive(v))) {
      fail(`package_version=${id} was held back although nothing present references ${name(i)}`)
    }
  }
  if (result.stoppedReason === undefined) {
    for (const id of result.remaining) if (!held.has(id)) fail(`package_version=${id} left without a reason`)
  }
}

/** One line per node, for a counterexample a person can read. */
function describeWorld(world: World, built: Built): string {
  const n = world.nodes.length
  const lines = world.nodes.map((node, i) => {
    const what =
      node.kind === 'index'
        ? `index listing ${node.children.map(c => c % n).join(', ')}${node.absentChild ? ' and an absent digest' : ''}`
        : node.kind === 'artifact'
          ? `artifact about ${node.subject % n}`
          : 'image'
    const ids = built.idsOfNode[i].map(v => {
      const spec = built.specOf.get(v.id)!
      const action = built.plan.deleteOrder.includes(v.id) ? 'delete' : 'keep'
      return `${v.id} ${action}${action === 'delete' && spec.fault !== 'ok' ? ` (${spec.fault})` : ''}`
    })
    const tags = built.idsOfNode[i][0].tags.map(t =>
      t.startsWith('sha256-') ? `signs ${node.signs! % n}` : t
    )
    return `  node ${i}: ${what}${tags.length ? `; ${tags.join(', ')}` : ''}${node.pinned ? '; pinned' : ''}; ids ${ids.join(', ')}`
  })
  const run = [
    `concurrency ${world.concurrency}`,
    `max failures ${world.maxFailures}`,
    ...(world.budget !== null ? [`budget ${world.budget}`] : []),
    ...(world.cancelAt !== null ? [`cancel at delete ${world.cancelAt}`] : []),
    ...(world.minutesPerDelete > 0 ? [`${world.minutesPerDelete} min a delete`] : []),
    ...world.moves.map(
      (m, k) =>
        `m${k}: ${m.kind === 'retag' ? 'tag on' : 'new index over'} ${m.nodes.map(c => c % n).join(', ')} ` +
        `${m.when === 'pass' ? 'before barrier pass' : 'during delete'} ${m.nth}`
    )
  ]
  return `${lines.join('\n')}\n  delete order ${built.plan.deleteOrder.join(', ')}; ${run.join(', ')}`
}

async function check(world: World): Promise<void> {
  const run = await runWorld(world)
  try {
    judge(world, run)
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\n${describeWorld(world, run.built)}\n  timeline ${run.timeline.join(', ')}`,
      { cause: error }
    )
  }
}

/** Fixed so CI is reproducible; FC_SEED=<n> explores others (fast-check prints seed and path on failure). */
const SEED = Number(process.env.FC_SEED ?? 1)

describe('execute, by property', () => {
  it('never leaves a present manifest referencing a deleted one, nor a kept tag or pin broken', async () => {
    await fc.assert(fc.asyncProperty(worldArb(false), check), { numRuns: 300, seed: SEED })
  })

  it('the same with one digest listed under two version ids', async () => {
    await fc.assert(fc.asyncProperty(worldArb(true), check), { numRuns: 200, seed: SEED })
  })
})
