import type { PullRequestState } from '../planner/RepoState.js'
import type { GitHubClient } from './octokit.js'

/** One pull request as the list and get endpoints return it (the fields the rules need). */
export interface PullRow {
  readonly number: number
  readonly state: PullRequestState
}

/** One page of `GET /repos/{owner}/{repo}/pulls?state=all`, newest first, and whether more pages follow. */
export interface PullPage {
  readonly rows: readonly PullRow[]
  readonly more: boolean
  /** Total pages, from the Link header's `last` (when GitHub sends it). */
  readonly lastPage?: number
}

/** Read-only REST calls for pull request and branch state (https://docs.github.com/en/rest/pulls/pulls). */
export interface RepoStateApi {
  /** A pull request's state; undefined when the number is not a pull request (404: an issue, or none). */
  pullRequest(owner: string, repo: string, number: number): Promise<PullRequestState | undefined>
  /** One page (1-based) of every pull request, newest created first. */
  pullRequestPage(owner: string, repo: string, page: number): Promise<PullPage>
  /** One page of branch names (1-based). */
  branchPage(owner: string, repo: string, page: number): Promise<{ names: string[]; more: boolean }>
}

export const PER_PAGE = 100

interface PullJson {
  number: number
  state: string
  merged_at?: string | null
  closed_at?: string | null
  merged?: boolean
}

function stateOf(p: PullJson): PullRequestState {
  const closedAt = p.closed_at ? Date.parse(p.closed_at) : undefined
  return {
    state: p.state === 'open' ? 'open' : 'closed',
    merged: p.merged === true || !!p.merged_at,
    ...(closedAt !== undefined && Number.isFinite(closedAt) ? { closedAt } : {})
  }
}

function linkPages(link: string | undefined): { more: boolean; last?: number } {
  if (!link) return { more: false }
  const last = /<([^>]+)>;\s*rel="last"/.exec(link)
  const lastPage = last ? Number(new URL(last[1]).searchParams.get('page')) : undefined
  return { more: /rel="next"/.test(link), ...(lastPage ? { last: lastPage } : {}) }
}

/** The client on the action's Octokit (retries, throttling and request counting included). */
export function octokitRepoState(octokit: GitHubClient): RepoStateApi {
  return {
    async pullRequest(owner, repo, number) {
      try {
        const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
          owner,
          repo,
          pull_number: number
        })
        return stateOf(data as PullJson)
      } catch (error) {
        if ((error as { status?: number }).status === 404) return undefined
        throw error
      }
    },
    async pullRequestPage(owner, repo, page) {
      const res = await octokit.request('GET /repos/{owner}/{repo}/pulls', {
        owner,
        repo,
        state: 'all',
        sort: 'created',
        direction: 'desc',
        per_page: PER_PAGE,
        page
      })
      const { more, last } = linkPages(res.headers.link)
      return {
        rows: (res.data as PullJson[]).map(p => ({ number: p.number, state: stateOf(p) })),
        more,
        ...(last ? { lastPage: last } : {})
      }
    },
    async branchPage(owner, repo, page) {
      const res = await octokit.request('GET /repos/{owner}/{repo}/branches', {
        owner,
        repo,
        per_page: PER_PAGE,
        page
      })
      return { names: res.data.map(b => b.name), more: linkPages(res.headers.link).more }
    }
  }
}
