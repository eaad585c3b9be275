import { writeJournal, type Journal } from '../execute/Journal.js'

/**
 * Keeps the journal file current while deletes happen, so even a hard-killed run (the runner sends SIGKILL
 * when a cancelled job does not stop in time) leaves a record that `mode: restore` can undo from. Writes are
 * serialised (one rename at a time) and at most one per `minGapMs`; `flush` writes the final state.
 */
export class JournalWriter {
  private writing?: Promise<void>
  private last = 0
  /** Grows with the journal: a write of a huge package (100k decisions) takes a while and blocks the loop. */
  private gap: number

  constructor(
    private readonly path: string,
    private readonly build: () => Journal,
    private readonly minGapMs = 2000,
    private readonly now: () => number = Date.now
  ) {
    this.gap = minGapMs
  }

  /** Something changed: write soon (now, unless a write is running or the last one was too recent). */
  touch(): void {
    if (!this.writing && this.now() - this.last >= this.gap) this.writing = this.write()
  }

  /** Waits for a running write, then writes the current state. */
  async flush(extra?: Partial<Journal>): Promise<void> {
    await this.writing
    await writeJournal(this.path, { ...this.build(), ...extra })
    this.last = this.now()
  }

  private async write(): Promise<void> {
    try {
      // What changes during this write is picked up by the next touch or the final flush.
      const started = Date.now()
      this.last = this.now()
      await writeJournal(this.path, this.build())
      // Spend at most a tenth of the time journaling, however large the journal.
      this.gap = Math.max(this.minGapMs, 10 * (Date.now() - started))
    } finally {
      this.writing = undefined
    }
  }
}
