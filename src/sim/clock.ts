/**
 * The simulator's clock. Simulated time runs `1 / timeScale` times faster than real time, so with
 * `timeScale = 0.001` a simulated minute (the window of GitHub's secondary limits) lasts 60 real ms and an
 * hour (primary limit, content-creation limit) 3.6 real s. Every wait the simulator asks a client for
 * (`retry-after`, `x-ratelimit-reset`, latency) is in GitHub's units; a client pointed at the simulator
 * multiplies it by `timeScale` before sleeping, and the simulator's windows have moved on by then.
 */
export class SimClock {
  private readonly realStart = performance.now()
  private offsetMs = 0

  constructor(
    readonly timeScale: number,
    private readonly startMs: number
  ) {
    if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${JSON.stringify(timeScale)}`)
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return this.startMs + (performance.now() - this.realStart) / this.timeScale + this.offsetMs
  }

  /** Jumps simulated time forward (expire tokens, pass the 30-day restore window, reset a rate window). */
  advance(simMs: number): void {
    this.offsetMs += simMs
  }

  /** Real milliseconds that correspond to `simMs` of simulated time. */
  realMs(simMs: number): number {
    return simMs * this.timeScale
  }

  /**
   * `x-ratelimit-reset` for a window that ends at simulated `simResetMs`: real now plus the simulated
   * seconds still to wait, so `reset - Date.now()/1000` is the wait in GitHub seconds (to scale like
   * `retry-after`).
   */
  resetHeader(simResetMs: number): number {
    return Math.floor(Date.now() / 1000) + Math.max(0, Math.ceil((simResetMs - this.now()) / 1000))
  }
}

export function delay(realMs: number): Promise<void> {
  return realMs > 0 ? new Promise(resolve => setTimeout(resolve, realMs)) : Promise.resolve()
}
