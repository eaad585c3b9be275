import { formatDuration } from './Duration.js'
import type { Role } from './Decision.js'
import { ManifestState } from './ImageGraph.js'
import { byNewest, type PlanContext } from './PlanContext.js'
import { roleWord, shortDigest } from './Reasons.js'
import { Act } from './Verdicts.js'

/**
 * Untagged versions younger than this are never deleted, whatever untagged-grace says (even `0`). A
 * multi-platform push uploads its platform images (and attestations) before the index that lists them, so
 * for a moment they are untagged orphans; deleting them then leaves the push's tag on an index whose children
 * are gone. A push that takes longer than this is not protected; the floor is fixed, not an input, so no
 * configuration switches it off. docs/registry-changes.md.
 */
export const PUSH_IN_FLIGHT_FLOOR_MS = 15 * 60_000

/** Rule id of a version kept by the floor; the log counts them. */
export const PUSH_IN_FLIGHT_RULE = 'push-in-flight'

/** Rule id of an orphan kept because the version listing moved while it was read. */
export const LISTING_MOVED_RULE = 'listing-moved'

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
  let heldByListing = 0
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
    if (inFlight(i)) continue
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
      deleteUnlessListingMoved(i, 'dangling-referrer', `${what}; ${past(age)}`, label)
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
  // Young orphans are kept by the floor and take no keep-n-untagged slot: they are most likely children of
  // an index not pushed yet, and no longer orphans on the next run.
  const settled = orphans.filter(i => !inFlight(i))
  settled.sort(newest)
  const keepN = policy.keepNUntagged
  for (let rank = 0; rank < settled.length; rank++) {
    const i = settled[rank]
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
      deleteUnlessListingMoved(
        i,
        'delete-untagged',
        `${noun}: no tag, no index lists it and it describes nothing in the package; ${past(age)}`,
        label
      )
    }
  }

  if (heldByListing > 0) {
    ctx.warnings.push({
      kind: 'listing-moved',
      message: `${ctx.packageName}: the version listing moved while it was read, on every attempt (${ctx.listingMoved}); ${heldByListing} untagged or orphaned ${heldByListing === 1 ? 'version was' : 'versions were'} kept this run. Tagged images are still cleaned. On a busy package, run the cleanup in a concurrency group shared with the workflows that push (docs/registry-changes.md).`
    })
  }

  /**
   * Kept by the push-in-flight floor when younger than it: pushed or changed within 15 minutes (the newer of
   * created_at and updated_at, whatever age-by says). Only when a delete rule would otherwise be in reach.
   */
  function inFlight(i: number): boolean {
    const age = ctx.now - Math.max(g.createdAt[i], g.updatedAt[i])
    if (age >= PUSH_IN_FLIGHT_FLOOR_MS) return false
    const dangling = g.danglingSubject[i] !== undefined
    if (dangling ? !policy.deleteDangling : !policy.deleteUntagged) return false
    if (age <= policy.untaggedGraceMs) return false
    const noun = dangling
      ? `dangling ${roleWord(roles[i])}`
      : g.state[i] === ManifestState.index
        ? 'untagged index'
        : 'untagged orphan'
    v.decide(
      i,
      Act.keep,
      PUSH_IN_FLIGHT_RULE,
      `${noun}, ${formatDuration(Math.max(0, age))} old: younger than ${formatDuration(PUSH_IN_FLIGHT_FLOOR_MS)}, a push may still be uploading the index that lists it (kept whatever untagged-grace says)`,
      `${noun} ${shortDigest(g.digests[i])}`
    )
    return true
  }

  /**
   * "Nothing owns it" holds only for a complete listing: when the listing moved while it was read, the
   * index that owns this version may be the one it missed. The tagged content the run deletes is guarded by
   * the write barrier; orphans have no tag for it to see, so they wait for a run whose listing holds still.
   */
  function deleteUnlessListingMoved(i: number, rule: string, detail: string, label: string): void {
    if (ctx.listingMoved === undefined) {
      v.decide(i, Act.delete, rule, detail, label)
      return
    }
    heldByListing++
    v.decide(
      i,
      Act.keep,
      LISTING_MOVED_RULE,
      `would be deleted (${rule}), but the version listing moved while it was read (${ctx.listingMoved}): an index the listing missed may own it`,
      label
    )
  }

  function within(age: number): string {
    return `${formatDuration(age)} old, within untagged-grace ${formatDuration(policy.untaggedGraceMs)}`
  }
  function past(age: number): string {
    return `${formatDuration(age)} old (untagged-grace ${formatDuration(policy.untaggedGraceMs)})`
  }
}
