import type { Decision } from '../planner/Decision.js'
import type { ManifestFact, Plan } from '../planner/Plan.js'
import { parseReferrerTag } from '../planner/ReferrerTags.js'

/**
 * Who references whom among the versions of one plan, as far as the manifests read for planning tell.
 * `references` are the edges a present version needs to stay whole: an index needs its children; an artifact
 * with a `subject`, or tagged `sha256-<hex>[.sig|.att|.sbom]` (cosign, referrers fallback), is about that digest. A version may only be deleted once every deleted version that
 * references it is gone — so an interruption leaves no present manifest pointing at missing content.
 */
export interface DeleteGraph {
  /** Per planned delete: the planned deletes that reference it and must be gone first. */
  readonly after: ReadonlyMap<number, readonly number[]>
  /**
   * Planned deletes that a kept index still lists as a child. The planner protects these; finding one means
   * the plan and the manifests disagree, and the executor keeps the version rather than break the index.
   */
  readonly keptParent: ReadonlyMap<number, Decision>
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
  const byDigest = new Map<string, Decision>()
  for (const d of plan.decisions) byDigest.set(d.digest, d)
  const planned = new Set(plan.deleteOrder)
  const after = new Map<number, number[]>()
  const keptParent = new Map<number, Decision>()

  const addEdge = (from: Decision, toDigest: string, isChild: boolean): void => {
    const to = byDigest.get(toDigest)
    if (!to || to.versionId === from.versionId || !planned.has(to.versionId)) return
    if (planned.has(from.versionId)) {
      const list = after.get(to.versionId)
      if (!list) after.set(to.versionId, [from.versionId])
      else if (!list.includes(from.versionId)) list.push(from.versionId)
    } else if (isChild && from.action === 'keep') {
      // A kept artifact about a deleted subject is the planner's call (protection flows from an image to
      // what describes it, not back); a kept index losing a child is never acceptable.
      if (!keptParent.has(to.versionId)) keptParent.set(to.versionId, from)
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
    const parent = byDigest.get(d.parent)
    if (parent && INDEX_TYPES.has(parent.mediaType)) addEdge(parent, d.digest, true)
  }
  return { after, keptParent }
}
