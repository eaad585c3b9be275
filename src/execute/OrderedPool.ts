/**
 * Runs tasks with bounded concurrency in a given priority order, where a task may start only after all of its
 * prerequisites finished successfully. A prerequisite that fails holds back everything that waits on it, so a
 * delete of a child never runs while a parent that still references it is present.
 *
 * Cycles (crafted manifests can reference each other) cannot stall the pool: when nothing is ready and nothing
 * is running, the earliest pending task in `order` starts anyway — the order the caller chose is the tie-break —
 * except with `outside: 'hold'` (deletes), where every task left on a cycle is held instead.
 */
export interface OrderedPoolOptions<K> {
  /** Every task once, earliest first; a repeated key is ignored. */
  readonly order: readonly K[]
  /** Prerequisites per task; for keys not in `order` see `outside`. */
  readonly after: ReadonlyMap<K, readonly K[]>
  /**
   * What a prerequisite that is not in `order` means. `ignore` (default): it is not part of this run, the
   * task may go. `hold`: it will not be done, so the task (and everything waiting on it) is held like under a
   * failed one — for deletes, where a prerequisite left out is a referrer that stays.
   */
  readonly outside?: 'ignore' | 'hold'
  readonly concurrency: number
  /**
   * Asked right before each start; a string stops the pool (no new starts, running tasks finish) with that
   * reason. Lets the caller reserve budget or notice a cancellation at exactly the moment it matters.
   */
  readonly gate?: () => string | undefined
  /** Resolves true when dependents may proceed; false (or a throw) holds them back. */
  readonly run: (key: K) => Promise<boolean>
}

export interface OrderedPoolResult<K> {
  readonly stoppedReason?: string
  /** Tasks never started because the pool stopped, in `order`. */
  readonly notStarted: readonly K[]
  /** Tasks held back, each with the failed prerequisite that held it (directly or through others). */
  readonly held: ReadonlyMap<K, K>
}

type State = 'pending' | 'running' | 'ok' | 'failed' | 'held'

export function runOrdered<K>(options: OrderedPoolOptions<K>): Promise<OrderedPoolResult<K>> {
  const concurrency = Math.max(1, Math.floor(options.concurrency))
  const keys: K[] = []
  const position = new Map<K, number>()
  for (const k of options.order) {
    if (position.has(k)) continue
    position.set(k, keys.length)
    keys.push(k)
  }
  const waiting = new Map<K, number>()
  const dependents = new Map<K, K[]>()
  const outside = new Set<K>()
  for (const k of keys) {
    const prereqs = new Set<K>()
    const gone = new Set<K>()
    for (const p of options.after.get(k) ?? []) {
      if (p === k) continue
      if (position.has(p)) prereqs.add(p)
      else if (options.outside === 'hold') gone.add(p)
    }
    waiting.set(k, prereqs.size)
    for (const p of [...prereqs, ...gone]) {
      const list = dependents.get(p)
      if (list) list.push(k)
      else dependents.set(p, [k])
    }
    for (const p of gone) outside.add(p)
  }
  const state = new Map<K, State>(keys.map(k => [k, 'pending']))
  const held = new Map<K, K>()
  let running = 0
  let pending = keys.length
  let stoppedReason: string | undefined

  return new Promise(resolve => {
    const finishIfIdle = (): void => {
      if (running > 0) return
      const notStarted = keys.filter(k => state.get(k) === 'pending')
      resolve({ stoppedReason, notStarted, held })
    }

    const hold = (root: K): void => {
      const stack = [...(dependents.get(root) ?? [])]
      while (stack.length > 0) {
        const d = stack.pop()!
        if (state.get(d) !== 'pending') continue
        state.set(d, 'held')
        held.set(d, root)
        pending--
        stack.push(...(dependents.get(d) ?? []))
      }
    }

    for (const p of outside) hold(p)
    const ready = new MinHeap()
    for (const k of keys) if (waiting.get(k) === 0) ready.push(position.get(k)!)

    const next = (): K | undefined => {
      for (;;) {
        const p = ready.pop()
        if (p === undefined) break
        if (state.get(keys[p]) === 'pending') return keys[p]
      }
      // Nothing ready: only a cycle (or running prerequisites) can cause this. Break a cycle only when idle.
      if (running === 0 && pending > 0) {
        // For deletes a cycle must never be broken: whichever goes first leaves the other listing a deleted
        // manifest. The caller (DeleteGraph) holds loops itself; this is the pool's own last line.
        if (options.outside === 'hold') {
          const left = keys.filter(k => state.get(k) === 'pending')
          const roots = left.map(k =>
            (options.after.get(k) ?? []).find(p => p !== k && state.get(p) === 'pending')
          )
          left.forEach((k, i) => {
            state.set(k, 'held')
            held.set(k, roots[i] ?? k)
          })
          pending -= left.length
          return undefined
        }
        return keys.find(k => state.get(k) === 'pending')
      }
      return undefined
    }

    const settle = (key: K, ok: boolean): void => {
      running--
      state.set(key, ok ? 'ok' : 'failed')
      if (ok) {
        for (const d of dependents.get(key) ?? []) {
          const left = (waiting.get(d) ?? 0) - 1
          waiting.set(d, left)
          if (left === 0 && state.get(d) === 'pending') ready.push(position.get(d)!)
        }
      } else {
        hold(key)
      }
      pump()
    }

    const pump = (): void => {
      while (stoppedReason === undefined && running < concurrency) {
        const key = next()
        if (key === undefined) break
        const reason = options.gate?.()
        if (reason !== undefined) {
          stoppedReason = reason
          // Not started: back to the ready set is unnecessary, the pool is stopping.
          break
        }
        state.set(key, 'running')
        running++
        pending--
        options.run(key).then(
          ok => settle(key, ok),
          () => settle(key, false)
        )
      }
      finishIfIdle()
    }

    pump()
  })
}

/** A binary min-heap of positions: the earliest ready task always goes first. */
class MinHeap {
  private readonly items: number[] = []

  push(value: number): void {
    const a = this.items
    a.push(value)
    let i = a.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (a[parent] <= a[i]) break
      ;[a[parent], a[i]] = [a[i], a[parent]]
      i = parent
    }
  }

  pop(): number | undefined {
    const a = this.items
    if (a.length === 0) return undefined
    const top = a[0]
    const last = a.pop()!
    if (a.length > 0) {
      a[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < a.length && a[l] < a[m]) m = l
        if (r < a.length && a[r] < a[m]) m = r
        if (m === i) break
        ;[a[m], a[i]] = [a[i], a[m]]
        i = m
      }
    }
    return top
  }
}
