import type { CacheSettings } from '../cache/cacheSettings.js'
import type { PinSettings } from '../pins/pinSettings.js'
import type { Policy } from '../planner/Policy.js'

/** `list` only selects the packages (the `packages` output, for a matrix of one job per package). */
export type Mode = 'prune' | 'validate' | 'restore' | 'list'

/** Every workflow input, validated and normalised once, before the first request. */
export interface Settings {
  readonly token: string
  readonly owner: string
  /** Package name globs (src/patterns/glob.ts, on RE2; `*` within a segment, `**` across `/`). */
  readonly packages: readonly string[]
  readonly dryRun: boolean
  readonly mode: Mode
  readonly apiUrl: string
  readonly registryUrl: string
  readonly registryUsername: string
  /** The most registry requests at once (`max-concurrency`; 64 when empty); reads adapt below it. */
  readonly concurrency: number
  readonly policy: Policy
  /** Explicit REST request budget for this run; undefined = stop while 10 % of the primary limit remains. */
  readonly requestBudget?: number
  readonly journalFile: string
  readonly uploadJournal: boolean
  readonly validateAfter: boolean
  readonly failOnBroken: boolean
  /** mode: restore — a journal path or artifact name. */
  readonly restoreFrom?: string
  /** mode: restore — restore versions deleted within this many milliseconds before now. */
  readonly restoreWithinMs?: number
  /** protect-pinned, protect-pinned-repositories: where digests pinned in files are looked for. */
  readonly pins: PinSettings
  /** cache: manifests kept across runs. */
  readonly cache: CacheSettings
  /** repository: where pr-tag and branch-tag look up pull requests and branches (default: the current one). */
  readonly repository?: { readonly owner: string; readonly repo: string }
  /** fail-on-noop: a rule that matched nothing fails the run (otherwise a warning). */
  readonly failOnNoop?: boolean
}
