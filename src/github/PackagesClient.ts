import type { Dispatcher } from 'undici'
import type { PackageRef, PackageVersion } from '../model/PackageVersion.js'
import { silentLogger, type Logger } from '../log/Logger.js'
import { createTransport, DEFAULT_TIMEOUT_MS } from '../http/transport.js'
import {
  AuthenticationError,
  describePackage,
  GitHubApiError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  type Operation,
  type TokenKind
} from './errors.js'
import { createOctokit, DEFAULT_WRITE_GAP_MS, type GitHubClient } from './octokit.js'
import { OwnerResolver, type OwnerRoute } from './OwnerResolver.js'
import { PackageGlobs } from './packageGlobs.js'
import type {
  DeleteOutcome,
  ListVersionsOptions,
  PackageInfo,
  PackagesApi,
  RateBudget
} from './PackagesApi.js'
import { LIST_PAGES_PER_MINUTE, pagesInOrder } from './parallelPages.js'
import { RateBudgetTracker } from './RateBudgetTracker.js'

export interface PackagesClientOptions {
  readonly token: string
  /** REST base URL, e.g. `https://api.github.com` or `https://HOST/api/v3`. */
  readonly apiUrl: string
  readonly logger?: Logger
  /** Multiplies every wait derived from headers or backoff; 1 in production, small in tests. */
  readonly timeScale?: number
  /** Per-request limit in ms (connect, headers and body). Default 30 s. */
  readonly timeoutMs?: number
  /** Retries per request for 5xx, transport failures and secondary rate limits. Default 4. */
  readonly retries?: number
  /** Wait for the hourly limit only when it resets within this many seconds. Default 60. */
  readonly maxRateLimitWaitSeconds?: number
  /** Least ms between the starts of two writes. Default 1000 (GitHub's best-practice guidance). */
  readonly writeGapMs?: number
  /** Writes in flight at once. Default 1. */
  readonly writeConcurrency?: number
  /** Defaults to the process-wide proxy-aware dispatcher. */
  readonly dispatcher?: Dispatcher
  readonly random?: () => number
}

interface RequestFailure {
  readonly status?: number
  readonly message?: string
  readonly response?: { readonly headers?: Record<string, string | undefined> }
}

interface RawVersion {
  id?: unknown
  name?: unknown
  created_at?: unknown
  updated_at?: unknown
  deleted_at?: unknown
  metadata?: { container?: { tags?: unknown } }
}

interface RawPackage {
  name?: unknown
  version_count?: unknown
  visibility?: unknown
  repository?: { full_name?: unknown } | null
}

const PER_PAGE = 100
const DELETED_HINT =
  'the version is not restorable: it was not deleted, was deleted more than 30 days ago, or its digest was ' +
  'pushed again since'

/** GitHub Packages REST client for container packages (see PackagesApi). */
export class PackagesClient implements PackagesApi {
  readonly octokit: GitHubClient
  private readonly owners: OwnerResolver
  private readonly tracker = new RateBudgetTracker()
  private readonly logger: Logger
  private requests = 0
  private secondaryLimits = 0
  private readonly timeScale: number
  private admit?: () => string | undefined

  constructor(options: PackagesClientOptions) {
    this.logger = options.logger ?? silentLogger
    this.timeScale = options.timeScale ?? 1
    const transport = createTransport({
      dispatcher: options.dispatcher,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      validateJson: true,
      onAttempt: () => {
        this.requests++
      },
      onResponse: (response, method, url) => {
        this.tracker.observe(response.headers)
        this.logger.debug(`${method} ${url} → ${response.status}`)
      }
    })
    this.octokit = createOctokit({
      token: options.token,
      apiUrl: options.apiUrl,
      transport,
      logger: this.logger,
      timeScale: options.timeScale ?? 1,
      retries: options.retries ?? 4,
      maxRateLimitWaitSeconds: options.maxRateLimitWaitSeconds ?? 60,
      writeGapMs: options.writeGapMs ?? DEFAULT_WRITE_GAP_MS,
      writeConcurrency: options.writeConcurrency ?? 1,
      random: options.random,
      onSecondaryLimit: () => {
        this.secondaryLimits++
      },
      admit: () => this.admit?.()
    })
    this.owners = new OwnerResolver(this.octokit)
  }

  get requestCount(): number {
    return this.requests
  }

  /**
   * Every attempt from now on, retries and parallel pages included, is first put to `admit` (the run's
   * RequestBudget); one it refuses is not sent and fails with RequestBudgetError.
   */
  limitRequests(admit: () => string | undefined): void {
    this.admit = admit
  }

  /** Secondary-limit answers so far (each retried by plugin-throttling as `retry-after` asks). */
  get secondaryLimitCount(): number {
    return this.secondaryLimits
  }

  get budget(): RateBudget {
    return this.tracker.budget
  }

  /** Which endpoint family serves `owner` (detected once per owner). */
  ownerRoute(owner: string): Promise<OwnerRoute> {
    return this.owners.resolve(owner)
  }

  /**
   * Packages of `owner` whose names match any glob. Exact names are fetched one by one (that works with
   * GITHUB_TOKEN, which cannot list an owner's packages); any real pattern lists all container packages.
   * An exact name that does not exist is left out with a warning.
   */
  async listPackages(owner: string, nameGlobs: readonly string[]): Promise<PackageInfo[]> {
    const route = await this.owners.resolve(owner)
    const globs = new PackageGlobs(nameGlobs)
    if (!globs.hasPatterns) {
      const found = await Promise.all(globs.literals.map(name => this.getPackage(route, name)))
      return found.filter((p): p is PackageInfo => p !== undefined)
    }
    const target = `the container packages of ${owner}`
    const result: PackageInfo[] = []
    try {
      const pages = this.octokit.paginate.iterator(`GET ${route.prefix}/packages`, {
        ...route.params,
        package_type: 'container',
        per_page: PER_PAGE
      })
      for await (const page of pages) {
        for (const raw of page.data as RawPackage[]) {
          const info = toPackageInfo(owner, raw)
          if (globs.matches(info.name)) result.push(info)
        }
      }
    } catch (error) {
      throw this.explain(error, 'list packages', target, route.tokenKind)
    }
    return result
  }

  private async getPackage(route: OwnerRoute, name: string): Promise<PackageInfo | undefined> {
    const pkg = { owner: route.owner, name }
    try {
      const response = await this.octokit.request(
        `GET ${route.prefix}/packages/{package_type}/{package_name}`,
        {
          ...route.params,
          package_type: 'container',
          package_name: name
        }
      )
      return toPackageInfo(route.owner, response.data as RawPackage)
    } catch (error) {
      if ((error as RequestFailure).status === 404) {
        this.logger.warning(
          `${describePackage(pkg)} was not found (or the token cannot see it: GITHUB_TOKEN sees only packages ` +
            'that grant its repository access); skipping it.'
        )
        return undefined
      }
      throw this.explain(error, 'read', describePackage(pkg), route.tokenKind)
    }
  }

  async versionCount(pkg: PackageRef): Promise<number | undefined> {
    const route = await this.owners.resolve(pkg.owner)
    try {
      const response = await this.octokit.request(
        `GET ${route.prefix}/packages/{package_type}/{package_name}`,
        { ...route.params, package_type: 'container', package_name: pkg.name }
      )
      const count = (response.data as RawPackage).version_count
      return typeof count === 'number' && Number.isInteger(count) && count >= 0 ? count : undefined
    } catch (error) {
      if ((error as RequestFailure).status === 404) return undefined
      throw this.explain(error, 'read', describePackage(pkg), route.tokenKind)
    }
  }

  async *listVersions(
    pkg: PackageRef,
    state: 'active' | 'deleted' = 'active',
    options: ListVersionsOptions = {}
  ): AsyncIterable<PackageVersion[]> {
    const route = await this.owners.resolve(pkg.owner)
    if (state === 'deleted' && route.kind === 'user') {
      throw new Error(
        `Deleted versions of ${describePackage(pkg)} cannot be listed with this token: GitHub lists deleted ` +
          `versions only through /orgs/… and /user/… (a token of ${pkg.owner} itself).`
      )
    }
    const target = describePackage(pkg)
    const endpoint = `GET ${route.prefix}/packages/{package_type}/{package_name}/versions`
    const params = {
      ...route.params,
      package_type: 'container',
      package_name: pkg.name,
      per_page: PER_PAGE,
      // The /users/{username} variant declares no `state` parameter in GitHub's OpenAPI description.
      ...(route.kind === 'user' ? {} : { state })
    }
    if ((options.concurrency ?? 1) > 1) {
      yield* this.listVersionsParallel(endpoint, params, target, route.tokenKind, options.concurrency ?? 1)
      return
    }
    const pages = this.octokit.paginate.iterator(endpoint, params)
    const iterator = pages[Symbol.asyncIterator]()
    for (;;) {
      let next: IteratorResult<{ data: unknown }>
      try {
        next = await iterator.next()
      } catch (error) {
        throw this.explain(error, 'list versions', target, route.tokenKind)
      }
      if (next.done) return
      yield toVersions(next.value.data, target)
    }
  }

  /**
   * The first page tells how many there are (`link: rel="last"`); the others are then requested `concurrency`
   * at once, at most LIST_PAGES_PER_MINUTE a minute, and one at a time after any secondary-limit answer.
   * Pages are yielded in order. A last page that still links a next one (versions pushed meanwhile) is
   * followed one page at a time, as a sequential listing would.
   */
  private async *listVersionsParallel(
    route: string,
    params: Record<string, unknown>,
    target: string,
    tokenKind: TokenKind,
    concurrency: number
  ): AsyncIterable<PackageVersion[]> {
    const fetchPage = async (page: number): Promise<{ versions: PackageVersion[]; link?: string }> => {
      try {
        const response = await this.octokit.request(route, { ...params, page })
        return { versions: toVersions(response.data, target), link: response.headers.link }
      } catch (error) {
        throw this.explain(error, 'list versions', target, tokenKind)
      }
    }
    const first = await fetchPage(1)
    yield first.versions
    const last = linkedPage(first.link, 'last') ?? 1
    let link = first.link
    let page = 1
    if (last > 1) {
      const signalsBefore = this.secondaryLimits
      const pages = pagesInOrder(2, last, fetchPage, {
        concurrency,
        perMinute: LIST_PAGES_PER_MINUTE,
        minuteMs: 60_000 * this.timeScale,
        backedOff: () => this.secondaryLimits > signalsBefore
      })
      for await (const p of pages) {
        link = p.link
        yield p.versions
      }
      page = last
    }
    while (linkedPage(link, 'next') !== undefined) {
      const p = await fetchPage(++page)
      link = p.link
      yield p.versions
    }
  }

  async getVersion(pkg: PackageRef, id: number): Promise<PackageVersion | undefined> {
    const route = await this.owners.resolve(pkg.owner)
    try {
      const response = await this.octokit.request(
        `GET ${route.prefix}/packages/{package_type}/{package_name}/versions/{package_version_id}`,
        { ...route.params, package_type: 'container', package_name: pkg.name, package_version_id: id }
      )
      return toVersions([response.data], describePackage(pkg))[0]
    } catch (error) {
      if ((error as RequestFailure).status === 404) return undefined
      throw this.explain(error, 'read', `version ${id} of ${describePackage(pkg)}`, route.tokenKind)
    }
  }

  async deleteVersion(pkg: PackageRef, id: number): Promise<DeleteOutcome> {
    const route = await this.owners.resolve(pkg.owner)
    try {
      await this.octokit.request(
        `DELETE ${route.prefix}/packages/{package_type}/{package_name}/versions/{package_version_id}`,
        { ...route.params, package_type: 'container', package_name: pkg.name, package_version_id: id }
      )
      return { kind: 'deleted' }
    } catch (error) {
      // 404: already gone — GHCR deletes an index's children by itself at times.
      if ((error as RequestFailure).status === 404) return { kind: 'gone' }
      return this.refusalOrThrow(error, 'delete', `version ${id} of ${describePackage(pkg)}`, route.tokenKind)
    }
  }

  async restoreVersion(pkg: PackageRef, id: number): Promise<DeleteOutcome | { readonly kind: 'restored' }> {
    const route = await this.owners.resolve(pkg.owner)
    const target = `version ${id} of ${describePackage(pkg)}`
    try {
      await this.octokit.request(
        `POST ${route.prefix}/packages/{package_type}/{package_name}/versions/{package_version_id}/restore`,
        { ...route.params, package_type: 'container', package_name: pkg.name, package_version_id: id }
      )
      return { kind: 'restored' }
    } catch (error) {
      if ((error as RequestFailure).status === 404) {
        return { kind: 'refused', status: 404, message: `GitHub cannot restore ${target}: ${DELETED_HINT}.` }
      }
      return this.refusalOrThrow(error, 'restore', target, route.tokenKind)
    }
  }

  /** A 4xx that GitHub gives on principle is an outcome to report; anything else stops the caller. */
  private refusalOrThrow(
    error: unknown,
    operation: Operation,
    target: string,
    tokenKind: TokenKind
  ): DeleteOutcome {
    const explained = this.explain(error, operation, target, tokenKind)
    const status = (error as RequestFailure).status ?? 0
    if (explained instanceof PermissionError) return { kind: 'refused', status, message: explained.message }
    if (explained instanceof GitHubApiError && status >= 400 && status < 500 && status !== 429) {
      return { kind: 'refused', status, message: serverMessage(error) }
    }
    throw explained
  }

  /** Turns an Octokit failure into an error that names the package and says what to do. */
  private explain(error: unknown, operation: Operation, target: string, tokenKind: TokenKind): Error {
    if (!(error instanceof Error) || !('status' in error))
      return error instanceof Error ? error : new Error(String(error))
    if (error instanceof AuthenticationError || error instanceof NotFoundError) return error
    const failure = error as RequestFailure
    const status = failure.status ?? 0
    const headers = failure.response?.headers ?? {}
    const message = serverMessage(error)
    if (status === 401) return new AuthenticationError(message)
    if (
      (status === 403 || status === 429) &&
      (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message))
    ) {
      const reset = Number(headers['x-ratelimit-reset'])
      const limit = Number(headers['x-ratelimit-limit'])
      return new RateLimitError(
        Number.isFinite(reset) ? reset : undefined,
        Number.isFinite(limit) ? limit : undefined
      )
    }
    if (status === 403) return new PermissionError(operation, target, status, message, tokenKind)
    if (status === 404) {
      return new NotFoundError(
        target[0].toUpperCase() + target.slice(1),
        tokenKind === 'installation'
          ? 'GITHUB_TOKEN and other installation tokens see only packages that grant their repository access ' +
              '(package settings → Manage Actions access).'
          : 'Check the owner and package name; nested names are written in full, e.g. `repo/sub`.'
      )
    }
    return new GitHubApiError(operation, target, status, message)
  }
}

/** The `page` of a `link` header's URL with relation `rel` (RFC 8288), when it is a plain positive integer. */
function linkedPage(link: string | undefined, rel: 'last' | 'next'): number | undefined {
  if (!link) return undefined
  for (const part of link.split(',')) {
    const m = /^\s*<([^>]*)>\s*;\s*rel="([^"]*)"\s*$/.exec(part)
    if (!m || !m[2].split(/\s+/).includes(rel)) continue
    let page: string | null
    try {
      page = new URL(m[1]).searchParams.get('page')
    } catch {
      return undefined
    }
    return page !== null && /^[1-9]\d{0,6}$/.test(page) ? Number(page) : undefined
  }
  return undefined
}

/** The server's words without Octokit's documentation-url suffix. */
function serverMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/ - https:\/\/docs\.github\.com\S*$/, '')
}

function toPackageInfo(owner: string, raw: RawPackage): PackageInfo {
  if (typeof raw?.name !== 'string')
    throw new Error(`GitHub answered with a package without a name for ${owner}`)
  const repository = raw.repository?.full_name
  return {
    owner,
    name: raw.name,
    versionCount: typeof raw.version_count === 'number' ? raw.version_count : 0,
    visibility: raw.visibility === 'public' ? 'public' : 'private',
    ...(typeof repository === 'string' ? { repository } : {})
  }
}

function toVersions(data: unknown, target: string): PackageVersion[] {
  if (!Array.isArray(data))
    throw new GitHubApiError('list versions', target, 0, 'the answer is not a list of versions')
  return data.map((raw: RawVersion) => {
    const createdAt = typeof raw.created_at === 'string' ? Date.parse(raw.created_at) : NaN
    const updatedAt = typeof raw.updated_at === 'string' ? Date.parse(raw.updated_at) : NaN
    const tags = raw.metadata?.container?.tags ?? []
    if (
      typeof raw.id !== 'number' ||
      typeof raw.name !== 'string' ||
      Number.isNaN(createdAt) ||
      Number.isNaN(updatedAt) ||
      !Array.isArray(tags) ||
      !tags.every(t => typeof t === 'string')
    ) {
      throw new GitHubApiError(
        'list versions',
        target,
        0,
        `malformed version object ${JSON.stringify(raw).slice(0, 200)}`
      )
    }
    // `deleted_at` appears on state=deleted rows; restore-within selects by it.
    const deletedAt = typeof raw.deleted_at === 'string' ? Date.parse(raw.deleted_at) : NaN
    return {
      id: raw.id,
      digest: raw.name,
      tags: tags as string[],
      createdAt,
      updatedAt,
      ...(Number.isNaN(deletedAt) ? {} : { deletedAt })
    }
  })
}
