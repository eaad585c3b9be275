import type { Logger } from './Logger.js'

/** Listing and reading: a line at most this often (issue 18). */
export const PROGRESS_INTERVAL_MS = 5_000
/** Deleting: a line at the start and at least this often while deletes run. */
export const DELETE_PROGRESS_INTERVAL_MS = 60_000

const count = new Intl.NumberFormat('en-US')

/** `3400` → `3,400`, as the progress lines print counts. */
export function formatCount(n: number): string {
  return count.format(n)
}

/**
 * Rate-limits progress lines on the run's clock (injected, so tests need no real waiting): `report` logs only
 * when `intervalMs` has passed since the last line, the first call included only when `immediate` is set.
 */
export class ProgressLine {
  private last: number

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly intervalMs: number,
    immediate = false
  ) {
    this.last = immediate ? Number.NEGATIVE_INFINITY : now()
  }

  /** Logs `line()` when due; the line is built only then. */
  report(line: () => string): void {
    const t = this.now()
    if (t - this.last < this.intervalMs) return
    this.last = t
    this.logger.info(line())
  }
}
