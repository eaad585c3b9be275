import { PatternError } from '../patterns/PatternError.js'
import { compileUserRegex, type UserRegex } from '../patterns/userRegex.js'
import type { PlanContext } from './PlanContext.js'
import type { TagGrouping } from './Policy.js'
import { PolicyError } from './PolicyError.js'

const FORM =
  'Expected a regular expression in RE2 syntax with one capture group that names the group, such as `^pr-(\\d+)-` or `^(.+)-[0-9a-f]{7}$` (or written `/^pr-(\\d+)-/i`); use `(?:…)` for other parentheses.'

/** Where a candidate none of whose tags matches group-by is counted: all such candidates together. */
export const UNGROUPED = Symbol('ungrouped')
export type GroupKey = string | typeof UNGROUPED

/**
 * Compiles `group-by` (which needs keep-n-tagged). The regex (RE2 syntax, matched in time linear in the tag) is
 * not anchored (write `^`/`$` as needed); its first capture group is the group. Refused without a capture group: every tag would land in one group, which
 * is keep-n-tagged without group-by and almost certainly not what was meant.
 */
export function compileGroupBy(value: string, keepNTaggedSet: boolean): TagGrouping | undefined {
  if (value === '') return undefined
  if (!keepNTaggedSet) {
    throw new PolicyError(
      'group-by',
      value,
      'group-by only changes how keep-n-tagged counts candidates, and keep-n-tagged is not set. Set keep-n-tagged (e.g. `2` to keep the 2 newest of each group) or remove group-by.'
    )
  }
  const literal = /^\/(.*)\/([a-zA-Z]*)$/s.exec(value)
  const body = literal ? literal[1] : value
  const flags = literal ? literal[2] : ''
  let re: UserRegex
  try {
    re = compileUserRegex(body, flags)
  } catch (e) {
    if (e instanceof PatternError) throw new PolicyError('group-by', value, `${e.reason} ${FORM}`)
    throw e
  }
  if (re.groupCount() === 0) {
    throw new PolicyError('group-by', value, `The regex has no capture group. ${FORM}`)
  }
  return {
    source: value,
    groupOf(tag: string): string | undefined {
      const m = re.exec(tag)
      return m?.[1] ?? undefined
    }
  }
}

/** The groups a candidate belongs to: one per distinct group of its tags, or UNGROUPED when none matches. */
export function groupsOf(grouping: TagGrouping, tags: readonly string[]): GroupKey[] {
  const keys: GroupKey[] = []
  for (const tag of tags) {
    const key = grouping.groupOf(tag)
    if (key !== undefined && !keys.includes(key)) keys.push(key)
  }
  return keys.length > 0 ? keys : [UNGROUPED]
}

export interface GroupRank {
  /** 0-based place among the newest candidates of `group`; the best place when it is in several groups. */
  readonly rank: number
  readonly group: GroupKey
}

/**
 * Ranks candidates (given newest first) within their groups, each group counted on its own. A candidate whose
 * tags fall in several groups takes a place in each and keeps its best one: keep wins.
 */
export function rankInGroups(
  tagsNewestFirst: readonly (readonly string[])[],
  grouping: TagGrouping
): GroupRank[] {
  const seen = new Map<GroupKey, number>()
  return tagsNewestFirst.map(tags => {
    let best: GroupRank | undefined
    for (const key of groupsOf(grouping, tags)) {
      const rank = seen.get(key) ?? 0
      seen.set(key, rank + 1)
      if (best === undefined || rank < best.rank) best = { rank, group: key }
    }
    return best!
  })
}

/** How a reason names the group, after `candidates in `. */
export function describeGroup(key: GroupKey): string {
  return key === UNGROUPED ? 'no group-by group' : `group-by group '${key}'`
}

/** A group-by regex that groups no candidate counts them all together, as if group-by were unset. */
export function warnIfNoGroup(ctx: PlanContext, grouping: TagGrouping, ranks: readonly GroupRank[]): void {
  if (ranks.length === 0 || ranks.some(r => r.group !== UNGROUPED)) return
  ctx.warnings.push({
    kind: 'rule-matched-nothing',
    message: `group-by '${grouping.source}' matches none of the ${ranks.length} candidates of ${ctx.packageName}, so keep-n-tagged counts them as one group.`
  })
}
