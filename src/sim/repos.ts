import { createHash } from 'node:crypto'

/** A pull request, reduced to what a "delete the images of closed PRs" feature needs. */
export interface SimPull {
  readonly number: number
  title: string
  state: 'open' | 'closed'
  headRef: string
  headSha: string
  baseRef: string
  user: string
  createdAt: number
  updatedAt: number
  closedAt: number | null
  mergedAt: number | null
}

export interface SimBranch {
  readonly name: string
  sha: string
  protected: boolean
}

export interface PullSeed {
  number?: number
  title?: string
  state?: 'open' | 'closed'
  headRef: string
  headSha?: string
  baseRef?: string
  user?: string
  createdAt?: number
  updatedAt?: number
  closedAt?: number | null
  mergedAt?: number | null
}

/** Deterministic fake commit sha, so fixtures and snapshots stay stable. */
export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex')
}

/** A repository with pull requests and branches (https://docs.github.com/en/rest/pulls/pulls, .../branches). */
export class SimRepo {
  /** Ascending by number. */
  readonly pulls: SimPull[] = []
  readonly branches = new Map<string, SimBranch>()
  defaultBranch = 'main'

  constructor(
    readonly id: number,
    readonly owner: string,
    readonly name: string,
    private readonly now: () => number
  ) {}

  get fullName(): string {
    return `${this.owner}/${this.name}`
  }

  addBranch(name: string, sha = fakeSha(`${this.fullName}:${name}`), isProtected = false): SimBranch {
    const b: SimBranch = { name, sha, protected: isProtected }
    this.branches.set(name, b)
    return b
  }

  removeBranch(name: string): boolean {
    return this.branches.delete(name)
  }

  addPull(seed: PullSeed): SimPull {
    const number = seed.number ?? (this.pulls.at(-1)?.number ?? 0) + 1
    if (this.pulls.some(p => p.number === number))
      throw new Error(`pull #${number} already exists in ${this.fullName}`)
    const now = this.now()
    const state = seed.state ?? 'open'
    const pull: SimPull = {
      number,
      title: seed.title ?? `Change ${seed.headRef}`,
      state,
      headRef: seed.headRef,
      headSha: seed.headSha ?? fakeSha(`${this.fullName}:${seed.headRef}:${number}`),
      baseRef: seed.baseRef ?? this.defaultBranch,
      user: seed.user ?? this.owner,
      createdAt: seed.createdAt ?? now,
      updatedAt: seed.updatedAt ?? seed.closedAt ?? seed.createdAt ?? now,
      closedAt: seed.closedAt ?? (state === 'closed' ? now : null),
      mergedAt: seed.mergedAt ?? null
    }
    this.pulls.push(pull)
    this.pulls.sort((a, b) => a.number - b.number)
    return pull
  }

  pull(number: number): SimPull | undefined {
    return this.pulls.find(p => p.number === number)
  }

  /** Closes (and optionally merges) a pull request, as the web UI would. */
  closePull(number: number, merged = false): SimPull {
    const p = this.pull(number)
    if (!p) throw new Error(`no pull #${number} in ${this.fullName}`)
    const now = this.now()
    p.state = 'closed'
    p.closedAt = now
    p.updatedAt = now
    if (merged) p.mergedAt = now
    return p
  }
}
