import type { PlanContext } from './PlanContext.js'
import type { TagVerdict } from './PullRequestRules.js'
import { sanitizeBranch } from './RefTemplates.js'
import type { RepoState } from './RepoState.js'

/** Sanitised names of the existing branches, built once per plan. */
export function sanitisedBranches(state: RepoState | undefined): ReadonlySet<string> | undefined {
  if (!state?.branches) return undefined
  return new Set([...state.branches].map(sanitizeBranch))
}

/**
 * branch-tag: a tag built from a branch that still exists (compared after docker/metadata-action's
 * sanitising, so `feature-login` is the tag of `feature/login`) keeps its version (`branch-exists`); a tag
 * whose branch is gone lets it go (`branch-gone`); an unknown branch list keeps it (`branch-unknown`).
 */
export function branchVerdict(
  ctx: PlanContext,
  state: RepoState | undefined,
  existing: ReadonlySet<string> | undefined,
  tag: string
): TagVerdict | undefined {
  const templates = ctx.policy.branchTags ?? []
  let candidates: string[] = []
  let source = ''
  for (const t of templates) {
    const found = t.branchesOf(tag)
    if (found.length > 0) {
      candidates = found
      source = t.source
      break
    }
  }
  if (candidates.length === 0) return undefined
  if (!existing) {
    return {
      alive: true,
      rule: 'branch-unknown',
      why: `tag ${tag}: the branches of the repository are unknown`
    }
  }
  const alive = candidates.find(b => existing.has(b))
  if (alive !== undefined) {
    return {
      alive: true,
      rule: 'branch-exists',
      why: `tag ${tag}: branch ${alive} exists in ${state!.repository}`
    }
  }
  const named = candidates.length === 1 ? `branch ${candidates[0]}` : `no branch ${candidates.join(' / ')}`
  return {
    alive: false,
    rule: 'branch-gone',
    why:
      candidates.length === 1
        ? `tag ${tag} (branch-tag '${source}'): ${named} no longer exists in ${state!.repository}`
        : `tag ${tag} (branch-tag '${source}'): ${named} exists in ${state!.repository}`
  }
}
