/**
 * mulberry32: a tiny seeded PRNG. Fault injection draws from it so that a failing run can be replayed by
 * passing the logged seed back in (same seed + same request order ⇒ same faults).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A seed for runs that did not ask for one; it is logged so the run can be replayed. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff)
}
