import pLimit from 'p-limit'
import type { ManifestFact } from '../model/ManifestFact.js'
import type { Plan } from '../planner/Plan.js'
import type { ManifestSource } from '../registry/ManifestSource.js'
import { referencedDigests } from './DeleteGraph.js'

/** A kept tag and the digest the plan believed it points at. */
export interface TagCheck {
  readonly tag: string
  readonly versionId: number
  readonly expected: string
}

export interface MovedTag extends TagCheck {
  /** What the registry answers now; undefined when the tag is gone. */
  readonly actual?: string
}

/** Floating tags (`latest`, `main`) are the ones re-pushed between planning and deleting: the newest kept roots. */
export const DEFAULT_RECENT_TAGGED = 10

/**
 * The kept tags worth a HEAD before the first delete: the tags of kept roots that share content with planned
 * deletes (a re-push of such a tag is what could make a planned delete unsafe), plus the tags of the newest
 * kept roots, because those are the floating tags that move. A tag moved since planning means the plan was
 * made on a picture that no longer holds.
 */
export function tagsToRecheck(
  plan: Plan,
  manifests: ReadonlyMap<string, ManifestFact> | undefined,
  recentTagged = DEFAULT_RECENT_TAGGED
): TagCheck[] {
  if (plan.deleteOrder.length === 0) return []
  const byId = new Map(plan.decisions.map(d => [d.versionId, d]))
  const childrenOf = (digest: string): string[] => referencedDigests(manifests?.get(digest)).children

  // Everything the planned deletes reach: what a deleted index shares with a kept one lives in here.
  const reachedByDeletes = new Set<string>()
  const stack: string[] = []
  for (const id of plan.deleteOrder) {
    const d = byId.get(id)
    if (d) stack.push(d.digest)
  }
  while (stack.length > 0) {
    const digest = stack.pop()!
    if (reachedByDeletes.has(digest)) continue
    reachedByDeletes.add(digest)
    stack.push(...childrenOf(digest))
  }

  const keptTagged = plan.decisions.filter(d => d.action === 'keep' && d.tags.length > 0)
  const chosen = new Set<number>()
  for (const root of keptTagged) {
    const seen = new Set<string>()
    const walk = [root.digest]
    while (walk.length > 0) {
      const digest = walk.pop()!
      if (seen.has(digest)) continue
      seen.add(digest)
      if (reachedByDeletes.has(digest)) {
        chosen.add(root.versionId)
        break
      }
      walk.push(...childrenOf(digest))
    }
  }
  const newest = [...keptTagged].sort((a, b) => b.time - a.time || b.versionId - a.versionId)
  for (const d of newest.slice(0, Math.max(0, recentTagged))) chosen.add(d.versionId)

  const checks: TagCheck[] = []
  for (const d of keptTagged) {
    if (!chosen.has(d.versionId)) continue
    for (const tag of d.tags) checks.push({ tag, versionId: d.versionId, expected: d.digest })
  }
  return checks
}

/**
 * HEADs each tag (registry reads: outside the REST budget). Throws when a tag cannot be checked — an unknown
 * fact stops the deletes rather than letting them run on a guess.
 */
export async function findMovedTags(
  checks: readonly TagCheck[],
  registry: ManifestSource,
  repository: string,
  concurrency: number
): Promise<MovedTag[]> {
  const limit = pLimit(Math.max(1, concurrency))
  const moved: MovedTag[] = []
  await Promise.all(
    checks.map(check =>
      limit(async () => {
        let actual: string | undefined
        try {
          actual = await registry.resolveTag(repository, check.tag)
        } catch (error) {
          throw new Error(
            `could not re-check tag ${check.tag} before deleting: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error }
          )
        }
        if (actual !== check.expected) moved.push({ ...check, actual })
      })
    )
  )
  return moved.sort((a, b) => a.tag.localeCompare(b.tag))
}
