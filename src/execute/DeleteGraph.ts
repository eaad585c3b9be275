import type { Decision } from '../planner/Decision.js'
import type { ManifestFact } from '../model/ManifestFact.js'
import type { Plan } from '../planner/Plan.js'
import { parseReferrerTag } from '../planner/ReferrerTags.js'

/**
 * Who references whom among the versions of one plan, as far as the manifests read for planning tell.
 * `references` are the edges a present version needs to stay whole: an index needs its children; an artifact
 * with a `subject`, or tagged `sha256-<hex>[.sig|.att|.sbom]` (cosign, referrers fallback), is about that
 * digest. A version may only be deleted once every deleted version that references it is gone — so an
 * interruption leaves no present manifest pointing at missing content.
 *
 * Edges join digests, so every version id listing a digest waits on every id of each digest that references
 * it: the registry may serve a manifest as long as any of its ids is left.
 */
export interface DeleteGraph {
  /** Per planned delete: the planned deletes that reference it and must be gone first. */
  readonly after: ReadonlyMap<number, readonly number[]>
  /**
   * Planned deletes this run must not send, each with why, in the order of `plan.deleteOrder`. Finding one
   * means the plan and the manifests disagree (the planner keeps all of these); the executor keeps the
   * version rather than break what references it.
   */
  readonly held: ReadonlyMap<number, string>
}

/** The digests a manifest references that must stay present while it does. */
export function referencedDigests(fact: ManifestFact | undefined): { children: string[]; subject?: string } {
  if (!fact?.ok) return { children: [] }
  const m = fact.manifest
  return {
    children: m.kind === 'index' ? m.manifests.map(d => d.digest) : [],
    subject: m.subject?.digest
  }
}

const INDEX_TYPES = new Set(['oci-index', 'docker-manifest-list'])

export function buildDeleteGraph(plan: Plan, manifests?: ReadonlyMap<string, ManifestFact>): DeleteGraph {
  const idsOf = new Map<string, Decision[]>()
  for (const d of plan.decisions) {
    const list = idsOf.get(d.digest)
    if (list) list.push(d)
    else idsOf.set(d.digest, [d])
  }
  const planned = new Set(plan.deleteOrder)
  const after = new Map<number, number[]>()
  const keptParent = new Map<number, Decision>()

  const addEdge = (from: Decision, toDigest: string, isChild: boolean): void => {
    if (toDigest === from.digest) return
    for (const to of idsOf.get(toDigest) ?? []) {
      if (!planned.has(to.versionId)) continue
      if (planned.has(from.versionId)) {
        const list = after.get(to.versionId)
        if (!list) after.set(to.versionId, [from.versionId])
        else if (!list.includes(from.versionId)) list.push(from.versionId)
      } else if (isChild) {
        // A kept artifact about a deleted subject is the planner's call (protection flows from an image to
        // what describes it, not back); a kept index losing a child is never acceptable.
        if (!keptParent.has(to.versionId)) keptParent.set(to.versionId, from)
      }
    }
  }

  for (const d of plan.decisions) {
    const refs = referencedDigests(manifests?.get(d.digest))
    for (const child of refs.children) addEdge(d, child, true)
    if (refs.subject !== undefined) addEdge(d, refs.subject, false)
  }
  // Cosign and referrers-fallback tags name their subject: the signature goes before the image it signs.
  for (const d of plan.decisions) {
    for (const tag of d.tags) {
      const ref = parseReferrerTag(tag)
      if (ref) addEdge(d, ref.subject, false)
    }
  }
  // Platform images the fetcher did not read still name their index; that edge needs no manifest.
  for (const d of plan.decisions) {
    if (d.role !== 'platform-image' || d.parent === undefined) continue
    for (const parent of idsOf.get(d.parent) ?? []) {
      if (INDEX_TYPES.has(parent.mediaType)) addEdge(parent, d.digest, true)
    }
  }

  return { after, held: holdBack(plan, idsOf, planned, after, keptParent) }
}

/**
 * The planned deletes that must stay: those a kept index lists, those sharing a digest with a kept id, those
 * on a reference loop (whichever went first, the other would point at it), and — like under a failed
 * delete — everything that waits on one of them, at any depth.
 */
function holdBack(
  plan: Plan,
  idsOf: ReadonlyMap<string, readonly Decision[]>,
  planned: ReadonlySet<number>,
  after: ReadonlyMap<number, readonly number[]>,
  keptParent: ReadonlyMap<number, Decision>
): Map<number, string> {
  const byId = new Map(plan.decisions.map(d => [d.versionId, d]))
  const waitedOnBy = new Map<number, number[]>()
  for (const [id, parents] of after) {
    for (const p of parents) {
      const list = waitedOnBy.get(p)
      if (list) list.push(id)
      else waitedOnBy.set(p, [id])
    }
  }
  const direct = new Map<number, string>()
  const root = new Map<number, number>()
  const reason = new Map<number, string>()
  // Breadth first from the direct holds, in plan order: each held version names its nearest held referrer.
  const spread = (): void => {
    const queue: number[] = []
    for (const id of plan.deleteOrder) {
      const why = direct.get(id)
      if (why === undefined || root.has(id)) continue
      root.set(id, id)
      reason.set(id, why)
      queue.push(id)
    }
    for (let head = 0; head < queue.length; head++) {
      const parent = queue[head]
      const first = root.get(parent)!
      for (const id of waitedOnBy.get(parent) ?? []) {
        if (root.has(id)) continue
        root.set(id, first)
        const cause =
          first === parent ? direct.get(first)! : `package_version=${first}: ${direct.get(first)!}`
        reason.set(id, `held back: package_version=${parent} that references it is held back (${cause})`)
        queue.push(id)
      }
    }
  }

  for (const [id, parent] of keptParent) {
    direct.set(id, `kept index ${parent.digest} (package_version=${parent.versionId}) still lists it`)
  }
  for (const id of plan.deleteOrder) {
    const d = byId.get(id)
    const kept = d && (idsOf.get(d.digest) ?? []).find(other => !planned.has(other.versionId))
    if (kept && !direct.has(id)) direct.set(id, `kept package_version=${kept.versionId} has the same digest`)
  }
  spread()
  // Loops second: a loop under a kept index is held for that index, the plainer reason.
  for (const [id, other] of loopPartners(plan.deleteOrder, after)) {
    if (root.has(id)) continue
    direct.set(
      id,
      `lies on a reference loop with package_version=${other}: whichever went first, the other would list a missing manifest`
    )
  }
  spread()

  const held = new Map<number, string>()
  for (const id of plan.deleteOrder) {
    const why = reason.get(id)
    if (why !== undefined) held.set(id, why)
  }
  return held
}

/**
 * Planned deletes on a reference loop, each with a member of its loop that references it (Tarjan's strongly
 * connected components, iterative so a long chain cannot overflow the stack).
 */
function loopPartners(
  order: readonly number[],
  after: ReadonlyMap<number, readonly number[]>
): Map<number, number> {
  const index = new Map<number, number>()
  const low = new Map<number, number>()
  const onStack = new Set<number>()
  const stack: number[] = []
  const partners = new Map<number, number>()
  let counter = 0

  for (const start of order) {
    if (index.has(start)) continue
    // Each frame: a node and how many of its prerequisites were visited.
    const frames: [number, number][] = [[start, 0]]
    index.set(start, counter)
    low.set(start, counter++)
    stack.push(start)
    onStack.add(start)
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]
      const [node, next] = frame
      const edges = after.get(node) ?? []
      if (next < edges.length) {
        frame[1]++
        const w = edges[next]
        if (!index.has(w)) {
          index.set(w, counter)
          low.set(w, counter++)
          stack.push(w)
          onStack.add(w)
          frames.push([w, 0])
        } else if (onStack.has(w)) {
          low.set(node, Math.min(low.get(node)!, index.get(w)!))
        }
        continue
      }
      frames.pop()
      if (frames.length > 0) {
        const parent = frames[frames.length - 1][0]
        low.set(parent, Math.min(low.get(parent)!, low.get(node)!))
      }
      if (low.get(node) !== index.get(node)) continue
      const component: number[] = []
      for (;;) {
        const w = stack.pop()!
        onStack.delete(w)
        component.push(w)
        if (w === node) break
      }
      if (component.length < 2) continue
      const members = new Set(component)
      for (const id of component) {
        partners.set(
          id,
          (after.get(id) ?? []).find(p => members.has(p))!
        )
      }
    }
  }
  return partners
}
