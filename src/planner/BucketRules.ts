import type { PlanContext } from './PlanContext.js'
import { byNewest } from './PlanContext.js'
import { describeTags } from './Reasons.js'
import { bucketKeepers, hasTimeBuckets } from './TimeBuckets.js'
import { Act } from './Verdicts.js'

/**
 * keep-daily / -weekly / -monthly / -yearly, applied after the ordinary tag rules to the roots they decided: a
 * bucket's newest image is kept whatever those rules said (a union of keep rules). When no other rule selects
 * tagged versions, the buckets select on their own (as restic's forget does): a root they do not keep goes,
 * unless keep-tags keeps it.
 */
export function applyTimeBuckets(ctx: PlanContext, roots: readonly number[]): void {
  const counts = ctx.policy.timeBuckets
  if (!hasTimeBuckets(counts) || roots.length === 0) return
  const { g, v, time } = ctx
  const sorted = [...roots].sort(byNewest(ctx))
  const keepers = bucketKeepers(
    sorted.map(i => ({ id: i, time: time[i] })),
    counts
  )
  const periods = (['daily', 'weekly', 'monthly', 'yearly'] as const)
    .filter(k => (counts[k] ?? 0) > 0)
    .map(k => `keep-${k} ${counts[k]}`)
    .join(', ')
  for (const i of sorted) {
    const keep = keepers.get(i)
    const tags = g.rootTags[i]
    const overrides = v.action[i] === Act.delete
    if (keep && (overrides || v.rule[i] === 'no-tag-rule')) {
      v.decide(
        i,
        Act.keep,
        keep.rule,
        `${describeTags(tags)}: the newest image of ${keep.bucket} (UTC), one of the last ${keep.count} with images (${keep.rule})` +
          (overrides ? `; its other rule said: ${v.detail[i]}` : ''),
        v.label[i]
      )
    } else if (!keep && v.rule[i] === 'no-tag-rule') {
      v.decide(
        i,
        Act.delete,
        'time-buckets',
        `${describeTags(tags)}: not the newest image of any bucket kept by ${periods} (UTC)`,
        v.label[i]
      )
    }
  }
}
