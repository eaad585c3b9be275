import type { ImageGraph } from './ImageGraph.js'
import type { PlanWarning } from './Plan.js'
import type { Policy } from './Policy.js'
import type { Verdicts } from './Verdicts.js'

/** What the rule modules share while one package is planned. */
export interface PlanContext {
  readonly packageName: string
  readonly g: ImageGraph
  readonly policy: Policy
  readonly now: number
  /** Per node, the time `age-by` selects (epoch ms). */
  readonly time: Float64Array
  readonly v: Verdicts
  readonly warnings: PlanWarning[]
  /** Set when the listing could not be trusted (PlanInput.listingTrusted false): what moved. */
  readonly listingMoved?: string
}

/** Newest first by `age-by` time, ties by the higher (later) version id: "newest" in every keep-N rule. */
export function byNewest(ctx: PlanContext): (a: number, b: number) => number {
  const { g, time } = ctx
  return (a, b) =>
    time[b] - time[a] || g.versions[g.primaryVersion[b]].id - g.versions[g.primaryVersion[a]].id
}
