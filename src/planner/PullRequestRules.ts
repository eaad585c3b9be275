import { formatDuration } from './Duration.js'
import type { PlanContext } from './PlanContext.js'
import type { RepoState } from './RepoState.js'

/** What one tag says about its version: `alive` keeps it, `dead` lets it go, undefined = not a PR tag. */
export interface TagVerdict {
  readonly alive: boolean
  readonly rule: string
  readonly why: string
}

/** The pull request a tag names under any pr-tag template, and the template. */
export function pullRequestOf(ctx: PlanContext, tag: string): { n: number; source: string } | undefined {
  for (const t of ctx.policy.prTags ?? []) {
    const n = t.numberOf(tag)
    if (n !== undefined) return { n, source: t.source }
  }
  return undefined
}

/**
 * pr-tag: a tag of an open pull request keeps its version (`pr-open`); a tag of a pull request closed longer
 * ago than pr-grace lets it go (`pr-closed`); an unknown state keeps it (`pr-unknown`). On a `closed` event only
 * that pull request's tags go; every other pull request's tags stay (`pr-event`).
 */
export function pullRequestVerdict(
  ctx: PlanContext,
  state: RepoState | undefined,
  tag: string
): TagVerdict | undefined {
  const pr = pullRequestOf(ctx, tag)
  if (!pr) return undefined
  const { n } = pr
  const event = state?.closedPullRequest
  if (event !== undefined) {
    return n === event
      ? {
          alive: false,
          rule: 'pr-closed',
          why: `tag ${tag} is of pull request #${n}, closed (the event of this run)`
        }
      : {
          alive: true,
          rule: 'pr-event',
          why: `tag ${tag} is of pull request #${n}; this run deletes the images of #${event} only`
        }
  }
  const pull = state?.pullRequests?.get(n)
  if (!pull) {
    const detail = state?.pullRequests
      ? (state.pullRequestsIncomplete ?? `not found in ${state.repository}`)
      : 'pull requests were not looked up'
    return {
      alive: true,
      rule: 'pr-unknown',
      why: `tag ${tag}: the state of pull request #${n} is unknown (${detail})`
    }
  }
  if (pull.state === 'open')
    return { alive: true, rule: 'pr-open', why: `tag ${tag}: pull request #${n} is open` }
  const verb = pull.merged ? 'merged' : 'closed'
  const grace = ctx.policy.prGraceMs ?? 0
  if (pull.closedAt !== undefined) {
    const since = ctx.now - pull.closedAt
    if (since < grace) {
      return {
        alive: true,
        rule: 'pr-grace',
        why: `tag ${tag}: pull request #${n} was ${verb} ${formatDuration(Math.max(0, since))} ago, within pr-grace ${formatDuration(grace)}`
      }
    }
    return {
      alive: false,
      rule: 'pr-closed',
      why: `tag ${tag}: pull request #${n} was ${verb} ${formatDuration(since)} ago${grace > 0 ? ` (pr-grace ${formatDuration(grace)})` : ''}`
    }
  }
  return { alive: false, rule: 'pr-closed', why: `tag ${tag}: pull request #${n} is ${verb}` }
}
