/**
 * Weighted events over a moving window of simulated time (secondary limits count points and
 * content-creating requests "per minute" / "per hour"). Amortised O(1) per event.
 */
export class SlidingWindow {
  private readonly times: number[] = []
  private readonly weights: number[] = []
  private head = 0
  private total = 0

  constructor(private readonly windowMs: number) {}

  sum(now: number): number {
    this.expire(now)
    return this.total
  }

  add(now: number, weight: number): void {
    this.expire(now)
    this.times.push(now)
    this.weights.push(weight)
    this.total += weight
  }

  /** Simulated ms until `weight` more fits under `cap`. */
  waitFor(now: number, weight: number, cap: number): number {
    this.expire(now)
    let excess = this.total + weight - cap
    if (excess <= 0) return 0
    for (let i = this.head; i < this.times.length; i++) {
      excess -= this.weights[i]
      if (excess <= 0) return this.times[i] + this.windowMs - now
    }
    return this.windowMs
  }

  private expire(now: number): void {
    const edge = now - this.windowMs
    while (this.head < this.times.length && this.times[this.head] <= edge) {
      this.total -= this.weights[this.head]
      this.head++
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head)
      this.weights.splice(0, this.head)
      this.head = 0
    }
  }
}
