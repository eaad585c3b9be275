import { readFileSync } from 'node:fs'
import type { RequestBudget } from '../execute/RequestBudget.js'
import { PER_PAGE, type RepoStateApi } from '../github/RepoStateClient.js'
import type { Logger } from '../log/Logger.js'
import type { PackageVersion } from '../model/PackageVersion.js'
import type { Policy } from '../planner/Policy.js'
import type { PullRequestState, RepoState } from '../planner/RepoState.js'
import type { Settings } from '../settings/Settings.js'

/** Pull request GETs in flight at once (read-only, but GitHub asks integrations not to burst). */
export const LOOKUP_CONCURRENCY = 4

/**
 * The pull request number of a pull_request / pull_request_target `closed` event, from the event payload the
 * runner writes to GITHUB_EVENT_PATH (https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request).
 */
export function closedPullRequestOf(env: NodeJS.ProcessEnv): number | undefined {
  const name = env.GITHUB_EVENT_NAME
  if (name !== 'pull_request' && name !== 'pull_request_target') return undefined
  if (!env.GITHUB_EVENT_PATH) return undefined
  let payload: { action?: unknown; number?: unknown; pull_request?: { number?: unknown } }
  try {
    payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as typeof payload
  } catch {
    return undefined
  }
  if (payload.action !== 'closed') return undefined
  const n = payload.number ?? payload.pull_request?.number
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined
}

export interface RepoStateOptions {
  readonly api: RepoStateApi
  readonly owner: string
  readonly repo: string
  readonly policy: Policy
  readonly logger: Logger
  /** From closedPullRequestOf: the run handles this pull request's close only (no lookups). */
  readonly closedPullRequest?: number
}

/**
 * Gathers what pr-tag and branch-tag need, once per run and shared by every package: the states of the pull
 * requests that tags name, and the branch list. Each read checks the request budget first; what could not be
 * read stays unknown, and the planner keeps its tags.
 */
export class RepoStateSource {
  private readonly pulls = new Map<number, PullRequestState>()
  /** Numbers looked up and found to be no pull request (issues). */
  private readonly absent = new Set<number>()
  private incomplete?: string
  private branches?: Promise<ReadonlySet<string> | undefined>
  private budget?: RequestBudget
  /** REST requests this source sent, by kind, for logs and tests. */
  readonly requests = { pull: 0, pullPages: 0, branchPages: 0 }

  constructor(private readonly o: RepoStateOptions) {}

  get repository(): string {
    return `${this.o.owner}/${this.o.repo}`
  }

  /** The repository state for one package's versions. */
  async forVersions(versions: readonly PackageVersion[], budget: RequestBudget): Promise<RepoState> {
    const { policy } = this.o
    this.budget = budget
    const base = { repository: this.repository }
    if (this.o.closedPullRequest !== undefined)
      return { ...base, closedPullRequest: this.o.closedPullRequest }
    const out: { -readonly [K in keyof RepoState]: RepoState[K] } = { ...base }
    if (policy.prTags?.length) {
      await this.lookUp(pullRequestNumbers(policy, versions))
      out.pullRequests = this.pulls
      if (this.incomplete) out.pullRequestsIncomplete = this.incomplete
    }
    if (policy.branchTags?.length) {
      this.branches ??= this.listBranches()
      const names = await this.branches
      if (names) out.branches = names
    }
    return out
  }

  /**
   * Looks up the numbers not known yet, by whichever costs fewer requests: one GET per number, or the list of
   * every pull request newest first (100 a page), which must reach down to the smallest number wanted.
   */
  private async lookUp(numbers: readonly number[]): Promise<void> {
    const wanted = numbers.filter(n => !this.pulls.has(n) && !this.absent.has(n))
    if (wanted.length === 0) return
    const max = Math.max(...wanted)
    const min = Math.min(...wanted)
    // Pull requests and issues share numbers, so the list holds at most (max - min + 1) of them between the two.
    const listCost = Math.ceil((max - min + 1) / PER_PAGE) + 1
    const before = this.requests.pull + this.requests.pullPages
    if (listCost < wanted.length) await this.byList(wanted, min)
    else await this.oneByOne(wanted)
    const sent = this.requests.pull + this.requests.pullPages - before
    this.o.logger.info(
      `Pull request states: ${wanted.length} numbers named by tags, ${sent} requests (${listCost < wanted.length ? 'listed' : 'one GET each'})` +
        (this.incomplete ? `; incomplete: ${this.incomplete}` : '')
    )
  }

  private async oneByOne(wanted: readonly number[]): Promise<void> {
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < wanted.length && !this.incomplete) {
        const n = wanted[next++]
        if (!this.acquire()) return
        try {
          this.requests.pull++
          const state = await this.o.api.pullRequest(this.o.owner, this.o.repo, n)
          if (state) this.pulls.set(n, state)
          else this.absent.add(n)
        } catch (error) {
          this.o.logger.warning(`Pull request #${n} of ${this.repository}: ${(error as Error).message}`)
        } finally {
          this.budget!.release()
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, wanted.length) }, worker))
  }

  private async byList(wanted: readonly number[], min: number): Promise<void> {
    const left = new Set(wanted)
    for (let page = 1; left.size > 0; page++) {
      if (!this.acquire()) return
      let result
      try {
        this.requests.pullPages++
        result = await this.o.api.pullRequestPage(this.o.owner, this.o.repo, page)
      } catch (error) {
        this.incomplete = `listing pull requests failed: ${(error as Error).message}`
        return
      } finally {
        this.budget!.release()
      }
      let lowest = Infinity
      for (const row of result.rows) {
        this.pulls.set(row.number, row.state)
        left.delete(row.number)
        lowest = Math.min(lowest, row.number)
      }
      if (!result.more || lowest < min) break
    }
    // The list went past them: these numbers are issues, not pull requests.
    for (const n of left) this.absent.add(n)
  }

  private async listBranches(): Promise<ReadonlySet<string> | undefined> {
    const names = new Set<string>()
    for (let page = 1; ; page++) {
      if (!this.acquire()) return undefined
      try {
        this.requests.branchPages++
        const result = await this.o.api.branchPage(this.o.owner, this.o.repo, page)
        for (const n of result.names) names.add(n)
        if (!result.more) break
      } catch (error) {
        this.o.logger.warning(
          `Branches of ${this.repository} could not be listed: ${(error as Error).message}`
        )
        return undefined
      } finally {
        this.budget!.release()
      }
    }
    this.o.logger.info(
      `Branches of ${this.repository}: ${names.size} (${this.requests.branchPages} requests)`
    )
    return names
  }

  /** Checks before reserving, so a refused lookup does not mark the run's budget spent for the deletes. */
  private acquire(): boolean {
    if (this.budget!.allows(1) && this.budget!.tryAcquire(1)) return true
    this.incomplete ??= `the request budget was reached (${this.budget!.describe()})`
    return false
  }
}

/** Every pull request number a tag of these versions names under pr-tag. */
export function pullRequestNumbers(policy: Policy, versions: readonly PackageVersion[]): number[] {
  const found = new Set<number>()
  for (const v of versions) {
    for (const tag of v.tags) {
      for (const t of policy.prTags ?? []) {
        const n = t.numberOf(tag)
        if (n !== undefined) {
          found.add(n)
          break
        }
      }
    }
  }
  return [...found].sort((a, b) => a - b)
}

/**
 * The run's source of repository state, or undefined when no rule needs one. Without a repository (no
 * `repository` input and no GITHUB_REPOSITORY, e.g. the local CLI) nothing is looked up: the planner keeps
 * every pull request and branch tag, saying so.
 */
export function createRepoStateSource(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  api: RepoStateApi,
  logger: Logger
): RepoStateSource | undefined {
  const { policy } = settings
  if (!policy.prTags?.length && !policy.branchTags?.length) return undefined
  const closedPullRequest = policy.prTags?.length ? closedPullRequestOf(env) : undefined
  if (!settings.repository) {
    logger.warning(
      'pr-tag / branch-tag: no repository to look up (set `repository: owner/name`); their tags are kept'
    )
    return undefined
  }
  if (closedPullRequest !== undefined) {
    logger.info(`Pull request #${closedPullRequest} was closed: this run deletes its images only`)
  }
  return new RepoStateSource({
    api,
    owner: settings.repository.owner,
    repo: settings.repository.repo,
    policy,
    logger,
    ...(closedPullRequest !== undefined ? { closedPullRequest } : {})
  })
}
