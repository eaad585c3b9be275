import type { Decision, Role } from '../planner/Decision.js'

export interface TreeRow {
  readonly decision: Decision
  /** 0 for the root, 1 for its children, … */
  readonly depth: number
}

export interface VersionTree {
  readonly root: Decision
  /** The root first, then its descendants depth-first. */
  readonly rows: readonly TreeRow[]
}

const ROLE_ORDER: Partial<Record<Role, number>> = {
  'platform-image': 0,
  'partial-index': 1,
  'ghost-index': 1,
  unknown: 2,
  attestation: 3,
  sbom: 4,
  signature: 5,
  referrer: 6
}

/**
 * The versions of a package as trees, following `Decision.parent` (the index or subject a version belongs
 * to). Each version appears exactly once: a parent outside the package makes a root, and versions caught in a
 * reference cycle (which has no root) are started from the first of them, so a cycle is shown, not lost.
 */
export function buildForest(decisions: readonly Decision[]): VersionTree[] {
  const byDigest = new Map<string, Decision>()
  for (const d of decisions) if (!byDigest.has(d.digest)) byDigest.set(d.digest, d)
  const children = new Map<string, Decision[]>()
  const isChild = (d: Decision) => d.parent !== undefined && d.parent !== d.digest && byDigest.has(d.parent)
  for (const d of decisions) {
    if (!isChild(d)) continue
    const list = children.get(d.parent!) ?? []
    list.push(d)
    children.set(d.parent!, list)
  }
  for (const list of children.values()) {
    list.sort((a, b) => (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9))
  }
  const visited = new Set<number>()
  const walk = (root: Decision): VersionTree => {
    const rows: TreeRow[] = []
    const stack: TreeRow[] = [{ decision: root, depth: 0 }]
    while (stack.length > 0) {
      const row = stack.pop()!
      if (visited.has(row.decision.versionId)) continue
      visited.add(row.decision.versionId)
      rows.push(row)
      const kids = children.get(row.decision.digest) ?? []
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ decision: kids[i], depth: row.depth + 1 })
    }
    return { root, rows }
  }
  const forest: VersionTree[] = []
  for (const d of decisions) if (!isChild(d)) forest.push(walk(d))
  for (const d of decisions) if (!visited.has(d.versionId)) forest.push(walk(d))
  return forest
}
