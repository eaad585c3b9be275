/**
 * The simulator's own truth about a package, read straight from its state (not through the action's clients
 * or planner), and the checks a drill makes against it: nothing kept lost, every tag still pulls in full,
 * and what the run reports matches what actually happened.
 *
 * The graph is derived here independently of src/planner: a manifest's JSON `manifests[]` and `subject`, and
 * the cosign (`sha256-<hex>.sig|.att|.sbom`) and OCI referrers fallback (`sha256-<hex>`) tags that name the
 * image they describe.
 */
import type { JournalPackage } from '../../src/execute/Journal.js'
import type { Simulator } from '../../src/sim/server.js'

export interface VersionSnapshot {
  readonly id: number
  readonly digest: string
  readonly tags: readonly string[]
  /** Digests this manifest references: index children and its subject. */
  readonly children: readonly string[]
  readonly subject?: string
}

/** Every active version of a package at one moment. */
export interface PackageSnapshot {
  readonly byId: ReadonlyMap<number, VersionSnapshot>
  readonly byDigest: ReadonlyMap<string, VersionSnapshot>
  /** Tag → digest. */
  readonly tags: ReadonlyMap<string, string>
}

const REFERRER_TAG = /^sha256-([0-9a-f]{64})(?:\.(?:sig|att|sbom))?$/

function references(bytes: Buffer): { children: string[]; subject?: string } {
  let body: { manifests?: { digest?: unknown }[]; subject?: { digest?: unknown } }
  try {
    body = JSON.parse(bytes.toString('utf8')) as typeof body
  } catch {
    return { children: [] }
  }
  const children = (Array.isArray(body.manifests) ? body.manifests : [])
    .map(d => d?.digest)
    .filter((d): d is string => typeof d === 'string')
  const subject = typeof body.subject?.digest === 'string' ? body.subject.digest : undefined
  return { children, ...(subject ? { subject } : {}) }
}

export function simPackage(sim: Simulator, owner: string, name: string) {
  const pkg = sim.state.packageOf(owner, name)
  if (!pkg) throw new Error(`simulator has no package ${owner}/${name}`)
  return pkg
}

export function snapshot(sim: Simulator, owner: string, name: string): PackageSnapshot {
  const pkg = simPackage(sim, owner, name)
  const byId = new Map<number, VersionSnapshot>()
  const byDigest = new Map<string, VersionSnapshot>()
  for (const v of pkg.versions('active')) {
    const s: VersionSnapshot = { id: v.id, digest: v.digest, tags: [...v.tags], ...references(v.bytes) }
    byId.set(v.id, s)
    byDigest.set(v.digest, s)
  }
  const tags = new Map<string, string>()
  for (const [tag, v] of pkg.tags) tags.set(tag, v.digest)
  return { byId, byDigest, tags }
}

/**
 * Everything a set of roots needs, in one snapshot: index children (recursively), the signatures,
 * attestations and referrers fallback indexes tagged after any of them, and manifests whose subject is one
 * of them. Digests absent from the snapshot are skipped (a sparse index was already sparse).
 */
export function closure(snap: PackageSnapshot, roots: Iterable<string>): Set<string> {
  const describing = new Map<string, string[]>()
  const add = (target: string, digest: string): void => {
    const list = describing.get(target) ?? []
    list.push(digest)
    describing.set(target, list)
  }
  for (const [tag, digest] of snap.tags) {
    const m = REFERRER_TAG.exec(tag)
    if (m) add(`sha256:${m[1]}`, digest)
  }
  for (const v of snap.byDigest.values()) if (v.subject) add(v.subject, v.digest)

  const seen = new Set<string>()
  const stack = [...roots]
  while (stack.length > 0) {
    const d = stack.pop()!
    if (seen.has(d) || !snap.byDigest.has(d)) continue
    seen.add(d)
    stack.push(...snap.byDigest.get(d)!.children, ...(describing.get(d) ?? []))
  }
  return seen
}

/** Tags of the package now that do not pull in full: a descriptor (at any depth) names a missing manifest. */
export function brokenTags(sim: Simulator, owner: string, name: string): string[] {
  const pkg = simPackage(sim, owner, name)
  const broken: string[] = []
  for (const [tag, root] of pkg.tags) {
    const stack = [root.digest]
    const seen = new Set<string>()
    while (stack.length > 0) {
      const d = stack.pop()!
      if (seen.has(d)) continue
      seen.add(d)
      const v = pkg.resolve(d)
      if (!v) {
        broken.push(`${tag} (missing ${d})`)
        break
      }
      stack.push(...references(v.bytes).children)
    }
  }
  return broken
}

/** What a drill found wrong; every list empty means the run kept its promises. */
export interface Findings {
  /** Kept versions (journal decisions) that are no longer active. */
  readonly keptLost: number[]
  /** Digests in the closure of a kept tag (computed here, not by the planner) that are gone. */
  readonly closureLost: string[]
  /** Tags that pulled in full before the run and do not now. */
  readonly brokenTags: string[]
  /** Kept tags that no longer resolve, or resolve to another digest. */
  readonly movedTags: string[]
  /** Versions deleted in the simulator that the plan did not mark for deletion. */
  readonly unplannedDeletes: number[]
  /** Versions the journal lists as deleted that are still active. */
  readonly reportedNotDeleted: number[]
  /** Versions deleted in the simulator that the journal lists as neither deleted nor failed. */
  readonly deletedNotReported: number[]
  /** Planned deletes that are neither deleted (in the simulator) nor in the journal's `remaining`. */
  readonly plannedUnaccounted: number[]
}

/** What a run that lost nothing and reported truthfully finds: every list empty. */
export const NO_FINDINGS: Findings = {
  keptLost: [],
  closureLost: [],
  brokenTags: [],
  movedTags: [],
  unplannedDeletes: [],
  reportedNotDeleted: [],
  deletedNotReported: [],
  plannedUnaccounted: []
}

export interface Accounting {
  /** Versions the plan marked for deletion. */
  readonly planned: number
  /** Of those, deleted in the simulator by this run. */
  readonly deletedInSim: number
  /** Journal `deleted` entries answered 204, and those answered 404 (already gone). */
  readonly reportedDeleted: number
  readonly reportedGone: number
  readonly failed: number
  readonly refused: number
  readonly remaining: number
}

/**
 * Compares one package's journal with the simulator's state before and after the run. `before` must be
 * taken right before the run (the run's own deletions are then the difference).
 */
export function checkRun(
  before: PackageSnapshot,
  brokenBefore: ReadonlySet<string>,
  sim: Simulator,
  owner: string,
  name: string,
  journal: JournalPackage
): { findings: Findings; accounting: Accounting } {
  const after = snapshot(sim, owner, name)
  const decisions = journal.decisions ?? []
  const kept = decisions.filter(d => d.action === 'keep')
  const planned = new Set(decisions.filter(d => d.action === 'delete').map(d => d.versionId))

  const keptLost = kept.filter(d => !after.byId.has(d.versionId)).map(d => d.versionId)
  const keptRoots = kept.filter(d => (before.byId.get(d.versionId)?.tags.length ?? 0) > 0).map(d => d.digest)
  const closureLost = [...closure(before, keptRoots)].filter(d => !after.byDigest.has(d))
  const movedTags: string[] = []
  for (const root of keptRoots) {
    for (const tag of before.byDigest.get(root)?.tags ?? []) {
      if (after.tags.get(tag) !== root) movedTags.push(`${tag} → ${after.tags.get(tag) ?? 'gone'}`)
    }
  }
  const broken = brokenTags(sim, owner, name).filter(t => !brokenBefore.has(t.split(' ')[0]))

  const deletedInSim = [...before.byId.keys()].filter(id => !after.byId.has(id))
  const reported = new Set(journal.deleted.map(d => d.id))
  const failed = new Set(journal.failed.map(f => f.versionId))
  const remaining = new Set(journal.remaining)
  const unplannedDeletes = deletedInSim.filter(id => !planned.has(id))
  const reportedNotDeleted = [...reported].filter(id => after.byId.has(id))
  const deletedNotReported = deletedInSim.filter(id => !reported.has(id) && !failed.has(id))
  const settled = new Set([
    ...deletedInSim,
    ...remaining,
    ...failed,
    ...journal.refused.map(r => r.versionId)
  ])
  const plannedUnaccounted = [...planned].filter(id => !settled.has(id))

  return {
    findings: {
      keptLost,
      closureLost,
      brokenTags: broken,
      movedTags,
      unplannedDeletes,
      reportedNotDeleted,
      deletedNotReported,
      plannedUnaccounted
    },
    accounting: {
      planned: planned.size,
      deletedInSim: deletedInSim.length,
      reportedDeleted: journal.deleted.filter(d => !d.gone).length,
      reportedGone: journal.deleted.filter(d => d.gone).length,
      failed: journal.failed.length,
      refused: journal.refused.length,
      remaining: journal.remaining.length
    }
  }
}

/** Tag names that do not pull in full right now (to exclude damage that was there before a run). */
export function brokenTagNames(sim: Simulator, owner: string, name: string): Set<string> {
  return new Set(brokenTags(sim, owner, name).map(t => t.split(' ')[0]))
}
