import { formatDuration } from './Duration.js'
import type { Role } from './Decision.js'
import { ManifestState } from './ImageGraph.js'
import { byNewest, type PlanContext } from './PlanContext.js'
import { roleWord, shortDigest } from './Reasons.js'
import { Act } from './Verdicts.js'

/**
 * Decides versions that nothing in the package owns and that carry no image tag: untagged orphans, and
 * dangling referrers (a signature, SBOM, attestation or referrers index whose subject is gone). Orphans:
 * delete-untagged, untagged-grace and keep-n-untagged; dangling referrers: delete-dangling (off by default)
 * and untagged-grace; older-than never applies. keep-n-untagged counts orphans only: referrers are not
 * images, so they never take a keep-N slot.
 */
export function decideOrphans(ctx: PlanContext, nodes: readonly number[], roles: readonly Role[]): void {
  const { g, policy, v } = ctx
  const orphans: number[] = []
  let keptDangling = 0
  let firstDangling: number | undefined
  for (const i of nodes) {
    if (g.danglingSubject[i] === undefined) {
      orphans.push(i)
      continue
    }
    const what = `${roleWord(roles[i])} of ${shortDigest(g.danglingSubject[i]!)}, which is no longer in the package`
    const label = `dangling ${roleWord(roles[i])} ${shortDigest(g.digests[i])}`
    const age = ctx.now - ctx.time[i]
    // Opt-in: a subject missing from the package may live on elsewhere (copied to another registry with its
    // signatures), and a verifier there may still ask for them. The grace still applies once opted in: a
    // signature pushed before its subject is not dangling for long.
    if (!policy.deleteDangling) {
      v.decide(i, Act.keep, 'delete-dangling', `${what}; set delete-dangling to remove it`, label)
      keptDangling++
      firstDangling ??= i
    } else if (age <= policy.untaggedGraceMs) {
      v.decide(i, Act.keep, 'untagged-grace', `${what}; ${within(age)}`, label)
    } else {
      v.decide(i, Act.delete, 'dangling-referrer', `${what}; ${past(age)}`, label)
    }
  }

  if (firstDangling !== undefined) {
    const what =
      keptDangling === 1
        ? 'signature, attestation or referrer describes'
        : 'signatures, attestations or referrers describe'
    ctx.warnings.push({
      kind: 'dangling-referrer',
      digest: g.digests[firstDangling],
      message: `${keptDangling} ${what} a digest no longer in ${ctx.packageName} (first: ${shortDigest(g.digests[firstDangling])}); kept, set delete-dangling to remove them.`
    })
  }

  const newest = byNewest(ctx)
  orphans.sort(newest)
  const keepN = policy.keepNUntagged
  for (let rank = 0; rank < orphans.length; rank++) {
    const i = orphans[rank]
    const noun = g.state[i] === ManifestState.index ? 'untagged index' : 'untagged orphan'
    const label = `${noun} ${shortDigest(g.digests[i])}`
    const age = ctx.now - ctx.time[i]
    if (!policy.deleteUntagged) {
      v.decide(i, Act.keep, 'delete-untagged', `${noun}; delete-untagged is false`, label)
    } else if (keepN !== undefined && rank < keepN) {
      v.decide(
        i,
        Act.keep,
        'keep-n-untagged',
        `${noun}, #${rank + 1} of the ${keepN} newest (keep-n-untagged)`,
        label
      )
    } else if (age <= policy.untaggedGraceMs) {
      v.decide(i, Act.keep, 'untagged-grace', `${noun}, ${within(age)}`, label)
    } else {
      v.decide(
        i,
        Act.delete,
        'delete-untagged',
        `${noun}: no tag, no index lists it and it describes nothing in the package; ${past(age)}`,
        label
      )
    }
  }

  function within(age: number): string {
    return `${formatDuration(age)} old, within untagged-grace ${formatDuration(policy.untaggedGraceMs)}`
  }
  function past(age: number): string {
    return `${formatDuration(age)} old (untagged-grace ${formatDuration(policy.untaggedGraceMs)})`
  }
}
