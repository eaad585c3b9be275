import type { ManifestCache } from '../cache/ManifestCache.js'
import type { PackagesApi } from '../github/PackagesApi.js'
import type { RepoFileReader } from '../pins/scanRepositories.js'
import type { Logger } from '../log/Logger.js'
import type { RequestBudget } from '../execute/RequestBudget.js'
import type { ManifestSource } from '../registry/ManifestSource.js'
import type { Settings } from '../settings/Settings.js'
import type { PackageRef } from '../model/PackageVersion.js'
import type { RepoStateSource } from './repoState.js'
import type { JournalWriter } from './JournalWriter.js'

/** What every mode needs: validated settings, the two clients, the shared budget and the cancel signal. */
export interface RunContext {
  readonly settings: Settings
  readonly packages: PackagesApi
  readonly registry: ManifestSource
  readonly budget: RequestBudget
  readonly signal: AbortSignal
  readonly logger: Logger
  /** Epoch ms; injectable so tests and the planner never read the clock themselves. */
  readonly now: () => number
  /** Manifests kept across runs (input `cache`); absent when off or unavailable. */
  readonly manifestCache?: ManifestCache
  /** Reads other repositories' files for protect-pinned-repositories (read-only REST). */
  readonly repoReader?: RepoFileReader
  /** Pull request and branch state for pr-tag / branch-tag; absent when no such rule is set. */
  readonly repoState?: RepoStateSource
  /** prune and restore: the journal, opened (and its header written) before the first request. */
  readonly journal?: JournalWriter
}

/** The registry repository of a package: `owner/name`, lowercase as the OCI name grammar requires. */
export function repositoryOf(pkg: PackageRef): string {
  return `${pkg.owner}/${pkg.name}`.toLowerCase()
}
