import type { MaxDeletions } from './Policy.js'

/**
 * The rule of a decision the cap turned from delete into keep. Reports count such a version as held back,
 * not kept: the plan wanted it gone, and only the cap (which the user must review) stopped it.
 */
export const MAX_DELETIONS_RULE = 'max-deletions'

/**
 * Checks the plan against `max-deletions`. Returns undefined when within the cap, else the message that goes
 * into Plan.blocked: what the plan wanted, what the cap allows and the smallest setting that would let it run.
 */
export function exceedsMaxDeletions(
  deletions: number,
  versions: number,
  cap: MaxDeletions | undefined,
  packageName: string
): string | undefined {
  if (!cap || deletions === 0) return undefined
  const share = versions === 0 ? 0 : (deletions / versions) * 100
  const wants = `The plan for ${packageName} deletes ${deletions} of ${versions} versions (${formatShare(share)})`
  if (cap.kind === 'count') {
    if (deletions <= cap.value) return undefined
    return `${wants}, more than max-deletions ${cap.value} allows, so nothing is deleted. Review the plan; to let it run, set max-deletions to ${deletions} or more (or ${Math.ceil(share)}%).`
  }
  if (share <= cap.value) return undefined
  return `${wants}, more than max-deletions ${cap.value}% allows, so nothing is deleted. Review the plan; to let it run, set max-deletions to ${Math.ceil(share)}% or more (or ${deletions}).`
}

function formatShare(p: number): string {
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`
}
