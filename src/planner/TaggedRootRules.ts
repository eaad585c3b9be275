import { formatDuration } from './Duration.js'
import { byNewest, type PlanContext } from './PlanContext.js'
import { describeTags } from './Reasons.js'
import { isGhost, isPartial } from './Roles.js'
import { firstMatch } from './TagMatcher.js'
import { describeGroup, rankInGroups, warnIfNoGroup } from './GroupRules.js'
import type { ImageGraph } from './ImageGraph.js'
import { selectSemverTags, warnIfNoRelease } from './SemverRules.js'
import { Act } from './Verdicts.js'

interface Candidate {
  readonly node: number
  readonly deletable: readonly string[]
  /** Tags that stay (kept by keep-tags, or not selected by delete-tags); empty = the whole version may go. */
  readonly staying: readonly string[]
  readonly keepTag?: string
  /** Why keepTag keeps the version, after `tag <keepTag> `; keepRule names the rule (keep-tags, keep-semver). */
  readonly keepWhy?: string
  readonly keepRule?: string
  readonly deletePattern?: string
}

/**
 * Decides every tagged root in `roots` (shared/DESIGN.md "Policy semantics"):
 * - a tag matching keep-tags keeps the version (keep wins over delete);
 * - a root is a candidate only if every tag matches delete-tags (all tags when delete-tags is unset); with
 *   `untag`, a root with some deletable tags is a candidate for losing those tags;
 * - candidates go only when every configured limit agrees: not among the keep-n-tagged newest candidates and
 *   older than older-than; with no delete-tags, keep-n-tagged or older-than set, nothing tagged goes;
 * - with delete-ghost-indexes / delete-partial-indexes, such an index goes unless keep-tags keeps it.
 */
export function decideTaggedRoots(ctx: PlanContext, roots: readonly number[]): void {
  const { g, policy, v } = ctx
  const selectsTagged =
    policy.deleteTagsExplicit || policy.keepNTagged !== undefined || policy.olderThanMs !== undefined
  const candidates: Candidate[] = []
  // Which releases exist is a fact of the whole package, not of the roots still undecided (a pinned 2.0.1
  // must not make 2.0.0 the newest of major 2).
  const semverKept = policy.keepSemver ? selectSemverTags(policy.keepSemver, allRootTags(g)) : undefined
  if (semverKept) warnIfNoRelease(ctx, policy.keepSemver!, semverKept)

  for (const i of roots) {
    const tags = g.rootTags[i]
    const deletable: string[] = []
    const staying: string[] = []
    let keepTag: string | undefined
    let keepWhy: string | undefined
    let keepRule: string | undefined
    let deletePattern: string | undefined
    for (const tag of tags) {
      const keep = firstMatch(policy.keepTags, tag)
      const semverWhy = keep ? undefined : semverKept?.get(tag)
      if (keep || semverWhy !== undefined) {
        if (keepTag === undefined) {
          keepTag = tag
          keepWhy = keep ? `matches keep-tags '${keep.source}'` : `is the ${semverWhy}`
          keepRule = keep ? 'keep-tags' : 'keep-semver'
        }
        staying.push(tag)
        continue
      }
      if (policy.deleteTags.length === 0) {
        deletable.push(tag)
        continue
      }
      const del = firstMatch(policy.deleteTags, tag)
      if (del) {
        deletePattern ??= del.source
        deletable.push(tag)
      } else staying.push(tag)
    }
    const label = `tag ${keepTag ?? tags[0]}`

    const ghostRule = policy.deleteGhostIndexes && isGhost(g, i) ? 'delete-ghost-indexes' : undefined
    const partialRule = policy.deletePartialIndexes && isPartial(g, i) ? 'delete-partial-indexes' : undefined
    const indexRule = ghostRule ?? partialRule
    if (indexRule && keepTag === undefined) {
      const detail = ghostRule
        ? `ghost index: none of the ${g.missingChildren[i]} manifests it lists is in the package, so it cannot be pulled (${indexRule})`
        : `partial index: ${g.missingChildren[i]} of the ${g.missingChildren[i] + g.presentChildren[i]} manifests it lists are missing (${indexRule})`
      v.decide(i, Act.delete, indexRule, `${describeTags(tags)}, ${detail}`, label)
      continue
    }

    const c: Candidate = { node: i, deletable, staying, keepTag, keepWhy, keepRule, deletePattern }
    if (!selectsTagged) {
      if (keepRule !== undefined) v.decide(i, Act.keep, keepRule, keptBecause(c), label)
      else {
        v.decide(
          i,
          Act.keep,
          'no-tag-rule',
          `${describeTags(tags)}: no rule selects tagged versions (set delete-tags, keep-n-tagged or older-than)`,
          label
        )
      }
      continue
    }
    if (deletable.length === 0 || (staying.length > 0 && !policy.untag)) {
      v.decide(i, Act.keep, keepRule ?? 'delete-tags', keptBecause(c), label)
      continue
    }
    candidates.push(c)
  }

  const newest = byNewest(ctx)
  candidates.sort((a, b) => newest(a.node, b.node))
  const keepN = policy.keepNTagged
  const olderThan = policy.olderThanMs
  // group-by: each group's candidates are counted on their own (GroupRules.ts).
  const grouped = policy.groupBy
    ? rankInGroups(
        candidates.map(c => c.deletable),
        policy.groupBy
      )
    : undefined
  if (grouped) warnIfNoGroup(ctx, policy.groupBy!, grouped)
  for (let k = 0; k < candidates.length; k++) {
    const c = candidates[k]
    const rank = grouped ? grouped[k].rank : k
    const among = grouped ? ` in ${describeGroup(grouped[k].group)}` : ''
    const i = c.node
    const label = `tag ${c.keepTag ?? g.rootTags[i][0]}`
    const subject = describeTags(c.deletable)
    const age = ctx.now - ctx.time[i]
    const prefix = c.staying.length > 0 ? keptBecause(c) + '; ' : ''
    if (keepN !== undefined && rank < keepN) {
      v.decide(
        i,
        Act.keep,
        'keep-n-tagged',
        `${prefix}${subject}: #${rank + 1} of the ${keepN} newest candidates${among} (keep-n-tagged)`,
        label
      )
      continue
    }
    if (olderThan !== undefined && age <= olderThan) {
      v.decide(
        i,
        Act.keep,
        'older-than',
        `${prefix}${subject}: ${formatDuration(age)} old, not older than older-than ${formatDuration(olderThan)}`,
        label
      )
      continue
    }
    const parts: string[] = []
    if (policy.deleteTagsExplicit) {
      parts.push(`${c.deletable.length === 1 ? 'matches' : 'match'} delete-tags '${c.deletePattern}'`)
    }
    if (olderThan !== undefined)
      parts.push(`${formatDuration(age)} old (older-than ${formatDuration(olderThan)})`)
    if (keepN !== undefined) parts.push(`not among the ${keepN} newest candidates${among} (keep-n-tagged)`)
    const rule =
      olderThan !== undefined ? 'older-than' : keepN !== undefined ? 'keep-n-tagged' : 'delete-tags'
    if (c.staying.length === 0) {
      v.decide(i, Act.delete, rule, `${subject} ${parts.join(', ')}`, label)
    } else {
      // Untag: the version stays for its other tags; only the deletable tags are removed.
      v.decide(
        i,
        Act.keep,
        c.keepRule ?? 'delete-tags',
        `${keptBecause(c)}; ${subject} ${parts.join(', ')}, so ${c.deletable.length === 1 ? 'it is' : 'they are'} removed (untag)`,
        label
      )
      v.untag[i] = c.deletable
    }
  }
}

function keptBecause(c: Candidate): string {
  if (c.keepTag !== undefined) return `tag ${c.keepTag} ${c.keepWhy}`
  return `tag ${c.staying[0]} does not match delete-tags`
}

function* allRootTags(g: ImageGraph): Generator<string> {
  for (let i = 0; i < g.size; i++) yield* g.rootTags[i]
}
