import pLimit from 'p-limit'
import type { PackageVersion } from '../model/PackageVersion.js'
import type { ManifestFact } from '../model/ManifestFact.js'

/**
 * The write barrier: what the registry's tags hold now that the listing did not show. The plan is made from a
 * listing; CI keeps pushing meanwhile. A new index over manifests the plan deletes (`docker buildx imagetools
 * create` with two sources), a tag put on a planned delete (imagetools with one source: a carbon copy of an
 * index or of a platform image), or an index the listing missed because rows shifted between pages: each
 * makes a planned delete break an image someone pulls. None shows in the listing; all show in the registry's
 * tag list. The barrier reads it, HEADs every tag the listing did not have (and any listed tag the caller
 * asks to re-check), reads each such tag's manifest and the manifests under it, and returns the planned
 * deletes that a tag now carries or reaches. It does not use the listing's order (GitHub does not document
 * one), only its tag set.
 */

/** The registry calls the barrier needs (RegistryClient implements them). */
export interface BarrierRegistry {
  /** Every tag of the repository now: `GET /v2/<name>/tags/list`, all pages. */
  listTags(repository: string): Promise<string[]>
  /** HEAD a tag: its digest now, undefined when the tag is gone. */
  resolveTag(repository: string, tag: string): Promise<string | undefined>
  /** GET a manifest by digest, verified; cached per run, so manifests read for the plan cost nothing. */
  fetchManifest(repository: string, digest: string): Promise<ManifestFact>
}

export interface BarrierInput {
  readonly repository: string
  /** Tag → digest as the listing showed them (see `listedTags`). */
  readonly listed: ReadonlyMap<string, string>
  /** Digests still planned for deletion (not yet deleted). */
  readonly planned: ReadonlySet<string>
  /**
   * Tags the listing had that are HEADed anyway, e.g. the preflight's floating tags (Preflight.tagsToRecheck):
   * a listed tag moved onto new content is otherwise not seen. Default none.
   */
  readonly recheck?: readonly string[]
  /** HEADs and GETs in flight at once. Default 8. */
  readonly concurrency?: number
}

export interface BarrierHold {
  /** The planned delete to drop from the plan. */
  readonly digest: string
  /** The tag that now carries or reaches it. */
  readonly tag: string
  /** Digests from the tag's manifest down to this one (first: what the tag points at). */
  readonly path: readonly string[]
  /** For the log, e.g. `tag v2 (new since the listing) points at an index that lists it`. */
  readonly reason: string
}

export interface BarrierResult {
  /**
   * Planned deletes to drop, by digest, with why. Everything a held index reaches in the registry now is
   * held with it; the executor must still hold back, in its own graph, whatever waits on a dropped version.
   */
  readonly held: ReadonlyMap<string, BarrierHold>
  /**
   * False when a new tag's closure could not be read (a manifest read failed): the barrier cannot say what is
   * safe, so the caller must send no further delete this run. `unreadable` says which.
   */
  readonly complete: boolean
  readonly unreadable: readonly string[]
  /** Tags HEADed: new since the listing, plus the re-checked listed tags. */
  readonly checkedTags: readonly string[]
  /** Tags whose digest differs from the listing's (new tags included), tag → digest now. */
  readonly changedTags: ReadonlyMap<string, string>
  /** Requests this pass sent, by kind (tags/list pages are counted by the registry client). */
  readonly heads: number
  readonly manifestReads: number
}

/** Tag → digest of a listing (a tag listed on two versions — rows that moved — keeps the later row's). */
export function listedTags(versions: readonly PackageVersion[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const v of versions) for (const tag of v.tags) out.set(tag, v.digest)
  return out
}

/**
 * One barrier pass. Throws when the tag list or a HEAD fails: the caller then sends no further delete (an
 * unknown fact stops the deletes, as in the preflight). Contract for the executor: run a pass right before the
 * first delete and again whenever a minute has passed since the last pass started; drop every `held` digest
 * from the plan together with everything the executor's graph makes wait on it; when `complete` is false or
 * the pass throws, stop deleting.
 */
export async function writeBarrier(registry: BarrierRegistry, input: BarrierInput): Promise<BarrierResult> {
  const { repository, listed, planned } = input
  const limit = pLimit(Math.max(1, input.concurrency ?? 8))
  const now = await registry.listTags(repository)
  const toCheck = new Set<string>()
  for (const tag of now) if (!listed.has(tag)) toCheck.add(tag)
  const present = new Set(now)
  for (const tag of input.recheck ?? []) if (present.has(tag)) toCheck.add(tag)

  const changed = new Map<string, string>()
  let heads = 0
  await Promise.all(
    [...toCheck].map(tag =>
      limit(async () => {
        heads++
        const digest = await registry.resolveTag(repository, tag)
        // Gone between the tag list and the HEAD: it holds nothing.
        if (digest !== undefined && digest !== listed.get(tag)) changed.set(tag, digest)
      })
    )
  )

  // Walk each changed tag's closure through the registry as it is now. A digest is read once per pass
  // whichever tag reaches it; its hold names the first tag (in tag order) that reached it.
  const held = new Map<string, BarrierHold>()
  const unreadable: string[] = []
  const facts = new Map<string, Promise<ManifestFact>>()
  let manifestReads = 0
  const read = (digest: string): Promise<ManifestFact> => {
    let fact = facts.get(digest)
    if (!fact) {
      manifestReads++
      fact = limit(() => registry.fetchManifest(repository, digest))
      facts.set(digest, fact)
    }
    return fact
  }
  const tags = [...changed.keys()].sort()
  const closures = await Promise.all(tags.map(tag => closureOf(changed.get(tag)!, read)))
  for (let t = 0; t < tags.length; t++) {
    const tag = tags[t]
    const why = listed.has(tag) ? `tag ${tag} moved since the listing` : `tag ${tag} is new since the listing`
    for (const u of closures[t].unreadable) if (!unreadable.includes(u)) unreadable.push(u)
    for (const [digest, path] of closures[t].paths) {
      if (!planned.has(digest) || held.has(digest)) continue
      const reason =
        path.length === 1
          ? `${why} and points at it`
          : `${why}; it points at ${path[0]}, which ${path.length === 2 ? 'lists it' : `reaches it through ${path.length - 2} nested ${path.length === 3 ? 'index' : 'indexes'}`}`
      held.set(digest, { digest, tag, path, reason })
    }
  }
  return {
    held,
    complete: unreadable.length === 0,
    unreadable,
    checkedTags: [...toCheck].sort(),
    changedTags: changed,
    heads,
    manifestReads
  }
}

/**
 * Everything pulling `root` needs among manifests: index children at any depth (platform images,
 * attestation manifests, nested indexes) and a manifest's `subject`. Each digest with its path from root.
 */
async function closureOf(
  root: string,
  read: (digest: string) => Promise<ManifestFact>
): Promise<{ paths: Map<string, string[]>; unreadable: string[] }> {
  const paths = new Map<string, string[]>([[root, [root]]])
  const unreadable: string[] = []
  let frontier = [root]
  while (frontier.length > 0) {
    const facts = await Promise.all(frontier.map(read))
    const next: string[] = []
    for (let i = 0; i < frontier.length; i++) {
      const digest = frontier[i]
      const fact = facts[i]
      if (!fact.ok) {
        // Absent (404): nothing of it can be pulled, nothing under it to keep. Anything else: unknown.
        if (!fact.notFound) unreadable.push(`${digest}: ${fact.reason}`)
        continue
      }
      const m = fact.manifest
      const refs = [...m.manifests.map(d => d.digest), ...(m.subject ? [m.subject.digest] : [])]
      for (const child of refs) {
        if (paths.has(child)) continue
        paths.set(child, [...paths.get(digest)!, child])
        next.push(child)
      }
    }
    frontier = next
  }
  return { paths, unreadable }
}

/** How often the executor re-runs the barrier while deleting (issue 17: at least every minute). */
export const BARRIER_INTERVAL_MS = 60_000

export interface RemainingWindow {
  /** Epoch ms when the last barrier pass started (its tag list was read). */
  readonly lastCheckAt: number
  /** Epoch ms when the last delete of the package was sent. */
  readonly lastDeleteAt: number
  /** Deletes sent after the last pass. */
  readonly deletesSince: number
}

/**
 * The log line that says what no client can close: between the barrier's last look at the tags and a delete,
 * a tag pushed onto that content is not seen. Undefined when nothing was deleted after a pass.
 */
export function remainingWindowLine(packageName: string, w: RemainingWindow): string | undefined {
  if (w.deletesSince <= 0) return undefined
  const seconds = Math.max(0, Math.round((w.lastDeleteAt - w.lastCheckAt) / 1000))
  const at = new Date(w.lastCheckAt).toISOString().slice(11, 19)
  return (
    `${packageName}: tags were last checked at ${at} UTC; a tag pushed in the ${seconds}s before the last ` +
    `of the ${w.deletesSince} ${w.deletesSince === 1 ? 'delete' : 'deletes'} that followed, onto content ` +
    `${w.deletesSince === 1 ? 'it' : 'they'} removed, was not seen. To close this window, see docs/registry-changes.md ` +
    '(one concurrency group for the workflows that push and this one).'
  )
}
