import { writeJournal, type Journal } from '../execute/Journal.js'

/**
 * Keeps the journal file current while deletes happen, so even a hard-killed run (the runner sends SIGKILL
 * when a cancelled job does not stop in time) leaves a record that `mode: restore` can undo from. Writes are
 * serialised (one rename at a time) and at most one per `minGapMs`; `flush` writes the final state.
 */
export class JournalWriter {
  private writing?: Promise<void>
  private last = 0

  constructor(
    private readonly path: string,
    private readonly build: () => Journal,
    private readonly minGapMs = 2000,
    private readonly now: () => number = Date.now
  ) {}

  /** Something changed: write soon (now, unless a write is running or the last one was too recent). */
  touch(): void {
    if (!this.writing && this.now() - this.last >= this.minGapMs) this.writing = this.write()
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
      this.last = this.now()
      await writeJournal(this.path, this.build())
    } finally {
      this.writing = undefined
    }
  }
}
