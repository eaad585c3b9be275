/** Per-version outcome while planning; turned into Decisions at the end. */
export const Act = { follow: 0, keep: 1, delete: 2 } as const

/**
 * Mutable per-node planning state in flat arrays. A *seed* decides by its own rule (tagged roots, orphans,
 * unknowns, keep-digests, …); every other node follows the seed that reached it (`root`) through `via`.
 */
export class Verdicts {
  readonly action: Uint8Array
  readonly rule: string[]
  /** The reason without its `kept:`/`deleted:` prefix. */
  readonly detail: string[]
  /** How nodes reached from this seed name it, e.g. `tag latest`. */
  readonly label: string[]
  readonly seed: Uint8Array
  /** The node this one was reached from (-1 for seeds) and the kind of that edge. */
  readonly via: Int32Array
  readonly viaKind: Uint8Array
  /** The seed whose decision this node follows (itself for seeds). */
  readonly root: Int32Array
  /** What a seed's own rule said before a kept owner overrode it (shown in the reason). */
  readonly overridden: (string | undefined)[]
  readonly untag: (readonly string[] | undefined)[]

  constructor(readonly size: number) {
    this.action = new Uint8Array(size)
    this.rule = new Array<string>(size)
    this.detail = new Array<string>(size)
    this.label = new Array<string>(size)
    this.seed = new Uint8Array(size)
    this.via = new Int32Array(size).fill(-1)
    this.viaKind = new Uint8Array(size)
    this.root = new Int32Array(size).fill(-1)
    this.overridden = new Array<string | undefined>(size)
    this.untag = new Array<readonly string[] | undefined>(size)
  }

  decide(i: number, action: number, rule: string, detail: string, label: string): void {
    this.action[i] = action
    this.rule[i] = rule
    this.detail[i] = detail
    this.label[i] = label
    this.seed[i] = 1
    this.root[i] = i
    this.via[i] = -1
  }

  isDecided(i: number): boolean {
    return this.seed[i] === 1
  }
}
