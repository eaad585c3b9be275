import type { TimeBucketCounts } from './Policy.js'

export type BucketRule = 'keep-daily' | 'keep-weekly' | 'keep-monthly' | 'keep-yearly'

export interface BucketKeep {
  readonly rule: BucketRule
  /** The bucket's name: `2026-11-23`, `2026-W48`, `2026-11`, `2026`. */
  readonly bucket: string
  readonly count: number
}

const PERIODS: readonly { rule: BucketRule; key: keyof TimeBucketCounts; name: (t: number) => string }[] = [
  { rule: 'keep-daily', key: 'daily', name: t => new Date(t).toISOString().slice(0, 10) },
  { rule: 'keep-weekly', key: 'weekly', name: isoWeek },
  { rule: 'keep-monthly', key: 'monthly', name: t => new Date(t).toISOString().slice(0, 7) },
  { rule: 'keep-yearly', key: 'yearly', name: t => new Date(t).toISOString().slice(0, 4) }
]

/** ISO 8601 week of a UTC instant (`2026-W01`): weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeek(t: number): string {
  const d = new Date(t)
  const day = (d.getUTCDay() + 6) % 7 // Monday = 0
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3)
  const year = new Date(thursday).getUTCFullYear()
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / 86_400_000 / 7) + 1
  return `${year}-W${String(week).padStart(2, '0')}`
}

export function hasTimeBuckets(c: TimeBucketCounts | undefined): c is TimeBucketCounts {
  return !!c && PERIODS.some(p => (c[p.key] ?? 0) > 0)
}

/**
 * restic's `forget --keep-daily` semantics on UTC calendar buckets: walking the items newest first, each rule
 * keeps the first (newest) item of each bucket until it has kept N buckets, so the N buckets are the last N
 * that have items, not the last N calendar days. Returns, per kept item, the first rule that keeps it
 * (daily before weekly before monthly before yearly). `items` must be sorted newest first.
 */
export function bucketKeepers(
  items: readonly { readonly id: number; readonly time: number }[],
  counts: TimeBucketCounts
): Map<number, BucketKeep> {
  const kept = new Map<number, BucketKeep>()
  for (const p of PERIODS) {
    let left = counts[p.key] ?? 0
    let last: string | undefined
    for (const item of items) {
      if (left <= 0) break
      const bucket = p.name(item.time)
      if (bucket === last) continue
      last = bucket
      left--
      if (!kept.has(item.id)) kept.set(item.id, { rule: p.rule, bucket, count: counts[p.key]! })
    }
  }
  return kept
}
