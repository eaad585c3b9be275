import type { Logger } from '../log/Logger.js'
import { formatCount, PROGRESS_INTERVAL_MS, ProgressLine } from '../log/progress.js'
import type { PackageRef, PackageVersion } from '../model/PackageVersion.js'
import type { PackagesApi } from './PackagesApi.js'
import { LIST_CONCURRENCY } from './parallelPages.js'

/**
 * A version listing checked for movement. GitHub pages "list package versions" by offset (`page`), so a
 * version deleted by someone else while the pages are read shifts later rows up: one is never listed. A push
 * shifts them down: one is listed twice. A version the listing missed may be the index that owns versions
 * that now look orphaned.
 */
export interface CheckedListing {
  /** Unique by id, in listing order (the last attempt's). */
  readonly versions: PackageVersion[]
  /**
   * False when the listing moved on every attempt: versions may be missing, so untagged and orphaned versions
   * must be kept this run (PlanInput.listingTrusted). True does not prove completeness (a push and a delete
   * between two pages cancel out); tagged content is protected by the write barrier, not by this check.
   */
  readonly trusted: boolean
  readonly attempts: number
  /** One line per attempt that moved, e.g. `version_count 40 before, 39 after, 39 unique listed`. */
  readonly moves: readonly string[]
}

export interface ListingCheckOptions {
  /** Listings at most (the first and up to two more). Default 3. */
  readonly maxAttempts?: number
  readonly logger?: Logger
  /** The run's clock for progress lines (`listed 3,400 of 10,000 versions`, at most every 5 s). */
  readonly now?: () => number
  /** List pages in flight at once after the first (parallelPages.ts). Default LIST_CONCURRENCY (10). */
  readonly concurrency?: number
}

/**
 * Lists every version of `pkg` and checks the listing against the package's `version_count` read before and
 * after it (GET package: https://docs.github.com/en/rest/packages/packages#get-a-package-for-an-organization)
 * and against ids seen twice. A listing moved when an id came twice, the count changed, or the unique
 * versions listed differ from the count. A moved listing is read again; the count read after one attempt is
 * the "before" of the next. Cost per attempt: the list pages plus one GET package (two on the first). Pages
 * after the first are read in parallel; a push or delete meanwhile shifts rows between pages just as it does
 * between sequential reads, so the repeated ids and the counts are as telling either way.
 */
export async function listVersionsChecked(
  packages: PackagesApi,
  pkg: PackageRef,
  options: ListingCheckOptions = {}
): Promise<CheckedListing> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3)
  const count = (): Promise<number | undefined> =>
    packages.versionCount ? packages.versionCount(pkg) : Promise.resolve(undefined)
  const moves: string[] = []
  let before = await count()
  for (let attempt = 1; ; attempt++) {
    const byId = new Map<number, PackageVersion>()
    let repeated = 0
    const progress = options.logger
      ? new ProgressLine(options.logger, options.now ?? Date.now, PROGRESS_INTERVAL_MS)
      : undefined
    const pages = packages.listVersions(pkg, 'active', {
      concurrency: options.concurrency ?? LIST_CONCURRENCY
    })
    for await (const page of pages) {
      for (const v of page) {
        if (byId.has(v.id)) repeated++
        byId.set(v.id, v)
      }
      progress?.report(
        () =>
          `${pkg.name}: listed ${formatCount(byId.size)}${before !== undefined ? ` of ${formatCount(before)}` : ''} versions`
      )
    }
    const after = await count()
    const problems: string[] = []
    if (repeated > 0) problems.push(`${repeated} ${repeated === 1 ? 'id' : 'ids'} listed twice`)
    if (before !== undefined && after !== undefined && before !== after)
      problems.push(`version_count ${before} before, ${after} after`)
    if (after !== undefined && byId.size !== after)
      problems.push(`${byId.size} unique versions listed, version_count ${after}`)
    const versions = [...byId.values()]
    if (problems.length === 0) return { versions, trusted: true, attempts: attempt, moves }
    const line = problems.join('; ')
    moves.push(line)
    options.logger?.info(
      `${pkg.name}: the version listing moved while it was read (attempt ${attempt} of ${maxAttempts}: ${line})${attempt < maxAttempts ? '; listing again' : ''}`
    )
    if (attempt >= maxAttempts) return { versions, trusted: false, attempts: attempt, moves }
    before = after
  }
}
