import type { PackageVersion } from '../model/PackageVersion.js'
import type { ManifestFact } from '../model/ManifestFact.js'
import type { ManifestSource } from './ManifestSource.js'

/**
 * The planner's choice of what to read next, given what is known: digests whose manifest would decide
 * something (DESIGN §9). Returning nothing new ends the loop.
 */
export type NextFetches = (
  versions: readonly PackageVersion[],
  facts: ReadonlyMap<string, ManifestFact>
) => Iterable<string>

export interface FetchAllOptions {
  /** A registry that keeps serving new nested indexes cannot keep the loop going past this many rounds. */
  readonly maxRounds?: number
  /** Called after each round with the number of digests it read (progress for long runs). */
  readonly onRound?: (round: number, fetched: number) => void
  /** Called as each manifest read ends: manifests read so far, and those read or wanted so far. */
  readonly onRead?: (read: number, known: number) => void
  /** Final rounds that read again the manifests whose reads failed for a reason other than 404. Default 1. */
  readonly retryFailed?: number
}

/** Reads asked of the source at once: well above any registry concurrency (max-concurrency is at most 64). */
export const READ_WINDOW = 256

export interface FetchAllResult {
  readonly facts: Map<string, ManifestFact>
  readonly rounds: number
  /** True when `maxRounds` stopped the loop while the planner still wanted digests. */
  readonly truncated: boolean
}

/**
 * Reads manifests round by round until the planner needs nothing more: tagged roots first, then whatever
 * their bodies make relevant (nested indexes, untagged versions no index reaches). A digest is read at most once;
 * the source bounds concurrency within a round. Failures are facts, so the loop never throws for one manifest.
 */
export async function fetchAll(
  source: ManifestSource,
  repository: string,
  versions: readonly PackageVersion[],
  nextFetches: NextFetches,
  options: FetchAllOptions = {}
): Promise<FetchAllResult> {
  const maxRounds = options.maxRounds ?? 64
  const retries = options.retryFailed ?? 1
  let retried = 0
  const facts = new Map<string, ManifestFact>()
  for (let round = 1; ; round++) {
    let wanted = [...new Set(nextFetches(versions, facts))].filter(digest => !facts.has(digest))
    if (wanted.length === 0 && retried < retries) {
      // One unreadable manifest that may be an index holds the whole package, so a read that failed for a
      // passing reason (5xx after retries, a body that did not verify) is worth one more try at the end.
      const failed = [...facts].filter(([, f]) => !f.ok && !f.notFound).map(([digest]) => digest)
      if (failed.length > 0) {
        retried++
        for (const digest of failed) facts.delete(digest)
        wanted = [...new Set(nextFetches(versions, facts))].filter(digest => !facts.has(digest))
      }
    }
    if (wanted.length === 0) return { facts, rounds: round - 1, truncated: false }
    if (round > maxRounds) return { facts, rounds: round - 1, truncated: true }
    const readBefore = facts.size
    const known = readBefore + wanted.length
    let readInRound = 0
    const results: ManifestFact[] = new Array(wanted.length)
    let next = 0
    // A window of asks, not all of them at once: 40,000 waiting reads were 40,000 promises, closures and
    // queue entries alive for the whole round (issue 18, bounded memory). The source still bounds what is
    // actually sent; the window only needs to stay ahead of it.
    const reader = async (): Promise<void> => {
      while (next < wanted.length) {
        const i = next++
        try {
          results[i] = await source.fetchManifest(repository, wanted[i])
        } finally {
          options.onRead?.(readBefore + ++readInRound, known)
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(READ_WINDOW, wanted.length) }, reader))
    wanted.forEach((digest, i) => facts.set(digest, results[i]))
    options.onRound?.(round, wanted.length)
  }
}
