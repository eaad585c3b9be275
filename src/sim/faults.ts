import { mulberry32 } from './random.js'
import type { Side } from './http.js'

/**
 * Faults a client of GitHub meets in the wild, each switchable per route:
 * - `status429` / `status403secondary`: a secondary-rate-limit answer with `retry-after`
 *   (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit);
 * - `status5xx`: 500/502/503 before anything happened (https://www.githubstatus.com incidents);
 * - `status502AfterEffect`: the change IS applied, then a 502 (a proxy timing out after the backend acted —
 *   the reason a retried DELETE may see 404);
 * - `reset`: the socket is destroyed without an answer (`afterEffect: true` applies the change first);
 * - `latency`: `latencyMs` more (simulated) milliseconds;
 * - `truncate`: the right Content-Length, half the body, then the connection closes;
 * - `wrongDigest`: registry manifest bytes that do not hash to their digest (`variant: 'header'` keeps the
 *   bytes and lies in Docker-Content-Digest instead);
 * - `expiredToken`: registry 401 with a fresh challenge, as when a bearer token expired
 *   (https://distribution.github.io/distribution/spec/auth/token/).
 */
export type FaultKind =
  | 'status429'
  | 'status403secondary'
  | 'status5xx'
  | 'status502AfterEffect'
  | 'reset'
  | 'latency'
  | 'truncate'
  | 'wrongDigest'
  | 'expiredToken'

export interface FaultRule {
  side?: Side
  /** HTTP method, case-insensitive. */
  method?: string
  /** RegExp tested against the raw path with query; a string matches as a substring. */
  pathPattern?: RegExp | string
  kind: FaultKind
  /** Probability (0..1) that a matching request is hit, drawn from the seeded PRNG. Default 1. */
  rate?: number
  /** Only the first `count` matching requests are candidates. Default: all. */
  count?: number
  /** status5xx: fixed status; default a seeded pick among 500, 502, 503. */
  status?: 500 | 502 | 503
  /** status429 / status403secondary: `retry-after` seconds (GitHub units). Default 1. */
  retryAfter?: number
  /** latency: simulated milliseconds (scaled by timeScale like every wait). */
  latencyMs?: number
  /** reset: apply the request's effect before dropping the connection. */
  afterEffect?: boolean
  /** wrongDigest: corrupt the body (default) or the Docker-Content-Digest header. */
  variant?: 'body' | 'header'
}

/** A rule as stored: `matched` counts candidate requests, `hits` the ones the fault fired on. */
export interface ActiveRule extends FaultRule {
  readonly id: number
  matched: number
  hits: number
}

export interface FiredFault {
  readonly ruleId: number
  readonly kind: FaultKind
  readonly side: Side
  readonly method: string
  readonly path: string
}

export class FaultController {
  private rules: ActiveRule[] = []
  private random: () => number
  private nextId = 1
  /** Every fault that fired, in order (compare two runs with the same seed). */
  readonly fired: FiredFault[] = []

  constructor(private currentSeed: number) {
    this.random = mulberry32(currentSeed)
  }

  get seed(): number {
    return this.currentSeed
  }

  /** Restarts the PRNG (replay from the start of a run). */
  reseed(seed: number): void {
    this.currentSeed = seed
    this.random = mulberry32(seed)
  }

  add(rule: FaultRule): ActiveRule {
    if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) {
      throw new Error(`fault rate must be within 0..1, got ${JSON.stringify(rule.rate)}`)
    }
    const active: ActiveRule = { ...rule, id: this.nextId++, matched: 0, hits: 0 }
    this.rules.push(active)
    return active
  }

  remove(rule: ActiveRule): void {
    this.rules = this.rules.filter(r => r !== rule)
  }

  clear(): void {
    this.rules = []
  }

  get active(): readonly ActiveRule[] {
    return this.rules
  }

  /** The rules that fire for this request (latency rules add up; the first other one decides). */
  draw(side: Side, method: string, pathWithQuery: string): ActiveRule[] {
    const out: ActiveRule[] = []
    for (const r of this.rules) {
      if (r.side && r.side !== side) continue
      if (r.method && r.method.toUpperCase() !== method) continue
      if (r.pathPattern !== undefined) {
        const ok =
          typeof r.pathPattern === 'string'
            ? pathWithQuery.includes(r.pathPattern)
            : testFresh(r.pathPattern, pathWithQuery)
        if (!ok) continue
      }
      r.matched++
      if (r.count !== undefined && r.matched > r.count) continue
      // Draw only for fractional rates so rules without a rate do not shift the replayed sequence.
      if (r.rate !== undefined && r.rate < 1 && !(this.random() < r.rate)) continue
      r.hits++
      this.fired.push({ ruleId: r.id, kind: r.kind, side, method, path: pathWithQuery })
      out.push(r)
    }
    return out
  }

  /** Seeded pick for status5xx without a fixed status. */
  pickStatus(): 500 | 502 | 503 {
    const x = this.random()
    return x < 1 / 3 ? 500 : x < 2 / 3 ? 502 : 503
  }
}

/** A /g or /y RegExp remembers lastIndex between tests; matching must not depend on the previous request. */
function testFresh(re: RegExp, s: string): boolean {
  re.lastIndex = 0
  return re.test(s)
}
