import { branchVerdict, sanitisedBranches } from './BranchRules.js'
import type { PlanContext } from './PlanContext.js'
import { pullRequestOf, pullRequestVerdict, type TagVerdict } from './PullRequestRules.js'
import type { RepoState } from './RepoState.js'
import { firstMatch } from './TagMatcher.js'
import { Act } from './Verdicts.js'

/**
 * Decides the tagged roots whose tags name pull requests (pr-tag) or branches (branch-tag), before the
 * ordinary tag rules; returns the roots left for those. keep-tags still wins. A version goes only when every
 * one of its tags is of a closed pull request or a deleted branch; one tag of an open (or unknown) pull
 * request or of an existing (or unknown) branch keeps it; a version mixing such dead tags with other tags is
 * left to the ordinary rules (its other tags decide). Setting pr-tag or branch-tag selects these tags for
 * deletion on its own, without delete-tags.
 */
export function decideRepoStateRoots(
  ctx: PlanContext,
  state: RepoState | undefined,
  roots: readonly number[]
): number[] {
  const { g, policy, v } = ctx
  if (!(policy.prTags?.length || policy.branchTags?.length)) return [...roots]
  const existing = sanitisedBranches(state)
  const rest: number[] = []
  for (const i of roots) {
    const tags = g.rootTags[i]
    if (tags.some(t => firstMatch(policy.keepTags, t))) {
      rest.push(i)
      continue
    }
    let alive: TagVerdict | undefined
    let dead: TagVerdict | undefined
    let other = false
    for (const tag of tags) {
      const verdict = pullRequestVerdict(ctx, state, tag) ?? branchVerdict(ctx, state, existing, tag)
      if (!verdict) other = true
      else if (verdict.alive) alive ??= verdict
      else dead ??= verdict
    }
    const label = `tag ${tags[0]}`
    if (alive) v.decide(i, Act.keep, alive.rule, alive.why, label)
    else if (dead && !other) v.decide(i, Act.delete, dead.rule, dead.why, label)
    else rest.push(i)
  }
  return rest
}

/**
 * On a pull request's `closed` event only that pull request's images go: every other deletion (and untag)
 * the rules planned is turned into a keep, naming what its own rule said.
 */
export function restrictToClosedPullRequest(ctx: PlanContext, state: RepoState | undefined): void {
  const n = state?.closedPullRequest
  if (n === undefined || !ctx.policy.prTags?.length) return
  const { g, v } = ctx
  for (let i = 0; i < g.size; i++) {
    if (v.untag[i]) v.untag[i] = undefined
    if (!v.isDecided(i) || v.action[i] !== Act.delete || v.rule[i] === 'pr-closed') continue
    v.decide(
      i,
      Act.keep,
      'pr-event',
      `this run deletes the images of closed pull request #${n} only (its own rule said: ${v.detail[i]})`,
      v.label[i]
    )
  }
}

/**
 * pr-tag / branch-tag templates that match no tag of the package: most likely a typo, a `rule-matched-nothing`
 * warning (fail-on-noop fails on it). On a pull request's `closed` event the run looks for that one pull
 * request's images only, and finding none is normal — it built no image here, or an earlier run or the sweep
 * already deleted them — so that is a notice, never a no-op failure; whether the templates match anything is
 * the scheduled sweep's question.
 */
export function repoStateWarnings(ctx: PlanContext, state: RepoState | undefined): void {
  const { g, policy } = ctx
  let tagCount = 0
  for (let i = 0; i < g.size; i++) tagCount += g.rootTags[i].length
  if (tagCount === 0) return
  const event = policy.prTags?.length ? state?.closedPullRequest : undefined
  if (event !== undefined) {
    if (!anyTagOf(ctx, event)) {
      const sources = (policy.prTags ?? []).map(t => `'${t.source}'`).join(', ')
      ctx.warnings.push({
        kind: 'pr-event-found-nothing',
        message:
          `pr-tag ${sources} finds no tag of closed pull request #${event} among the ${tagCount} tags of ` +
          `${ctx.packageName}: it built no image here, or an earlier run already deleted them.`
      })
    }
  } else {
    for (const t of policy.prTags ?? []) {
      let hit = false
      for (let i = 0; i < g.size && !hit; i++) hit = g.rootTags[i].some(tag => t.numberOf(tag) !== undefined)
      if (!hit) {
        ctx.warnings.push({
          kind: 'rule-matched-nothing',
          message: `pr-tag '${t.source}' finds no pull request tag among the ${tagCount} tags of ${ctx.packageName}.`
        })
      }
    }
  }
  for (const t of policy.branchTags ?? []) {
    let hit = false
    for (let i = 0; i < g.size && !hit; i++) hit = g.rootTags[i].some(tag => t.branchesOf(tag).length > 0)
    if (!hit) {
      ctx.warnings.push({
        kind: 'rule-matched-nothing',
        message: `branch-tag '${t.source}' matches none of the ${tagCount} tags of ${ctx.packageName}.`
      })
    }
  }
}

function anyTagOf(ctx: PlanContext, n: number): boolean {
  const { g } = ctx
  for (let i = 0; i < g.size; i++)
    if (g.rootTags[i].some(tag => pullRequestOf(ctx, tag)?.n === n)) return true
  return false
}
