import type { PackageRef, PackageVersion } from '../model/PackageVersion.js'

/** The narrow view of GitHub Packages the rest of the action depends on (implemented by PackagesClient). */
export interface PackageInfo {
  readonly owner: string
  readonly name: string
  readonly versionCount: number
  readonly visibility: 'public' | 'private'
  /** `owner/repo` of the linked repository, when GitHub reports one. */
  readonly repository?: string
}

/** Primary rate limit as last reported by GitHub's `x-ratelimit-*` headers. */
export interface RateBudget {
  readonly limit?: number
  readonly remaining?: number
  readonly used?: number
  /** Epoch seconds. */
  readonly reset?: number
}

export type DeleteOutcome =
  | { readonly kind: 'deleted' }
  /** 404: already gone (GHCR removes an index's children itself at times). */
  | { readonly kind: 'gone' }
  /** GitHub refuses on principle (last tagged version, > 5,000 downloads, no permission): report, not fatal. */
  | { readonly kind: 'refused'; readonly status: number; readonly message: string }

export interface ListVersionsOptions {
  /** Pages in flight at once after the first. Default 1: one after another, lazily. */
  readonly concurrency?: number
}

export interface PackagesApi {
  listPackages(owner: string, nameGlobs: readonly string[]): Promise<PackageInfo[]>
  /**
   * Streams pages of at most 100 versions, in page order; each page is requested exactly once (retries aside).
   * With `concurrency` above 1, later pages are requested that many at once ahead of the consumer.
   */
  listVersions(
    pkg: PackageRef,
    state?: 'active' | 'deleted',
    options?: ListVersionsOptions
  ): AsyncIterable<PackageVersion[]>
  getVersion(pkg: PackageRef, id: number): Promise<PackageVersion | undefined>
  /**
   * The package's `version_count` as GET package answers it now (undefined: not reported, or the package is
   * gone). Optional: the listing check (checkedListing.ts) does without it, on repeated ids alone.
   */
  versionCount?(pkg: PackageRef): Promise<number | undefined>
  deleteVersion(pkg: PackageRef, id: number): Promise<DeleteOutcome>
  restoreVersion(pkg: PackageRef, id: number): Promise<DeleteOutcome | { readonly kind: 'restored' }>
  /** REST requests sent so far (retries included). */
  readonly requestCount: number
  readonly budget: RateBudget
}
