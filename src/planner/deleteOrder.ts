import { EdgeKind, type ImageGraph } from './ImageGraph.js'

/**
 * A safe order for the deletions: a version goes only after every deleted version that references it (an
 * index before its children, a signature or referrer before its subject, a `sha256-<hex>` tagged version
 * before the digest it names). An interruption then leaves dangling children or subjects at worst, never a
 * remaining index or signature pointing at something already gone. Kahn's algorithm over the deleted
 * versions only: O(versions + edges). Shared children of a kept parent are never in `deleted`, so they are
 * never ordered. Ties keep the order of the version list.
 *
 * @param deleted 1 per node to delete; the planner guarantees they contain no reference loop.
 * @returns version ids (every listing of a digest), in deletion order.
 */
export function deleteOrder(g: ImageGraph, deleted: Uint8Array): number[] {
  const n = g.size
  const { outStart, outTo, outKind, inStart, inFrom, inKind } = g
  const waiting = new Int32Array(n)
  let total = 0
  // References of x (x goes first): what it lists (child edges out), what it names (subject/tag edges in).
  for (let x = 0; x < n; x++) {
    if (!deleted[x]) continue
    total++
    for (let e = outStart[x]; e < outStart[x + 1]; e++) {
      if (outKind[e] <= EdgeKind.attestation && deleted[outTo[e]]) waiting[outTo[e]]++
    }
    for (let e = inStart[x]; e < inStart[x + 1]; e++) {
      if (inKind[e] >= EdgeKind.subject && deleted[inFrom[e]]) waiting[inFrom[e]]++
    }
  }
  const queue = new Int32Array(total)
  let head = 0
  let tail = 0
  for (let x = 0; x < n; x++) if (deleted[x] && waiting[x] === 0) queue[tail++] = x
  while (head < tail) {
    const x = queue[head++]
    for (let e = outStart[x]; e < outStart[x + 1]; e++) {
      const y = outTo[e]
      if (outKind[e] <= EdgeKind.attestation && deleted[y] && --waiting[y] === 0) queue[tail++] = y
    }
    for (let e = inStart[x]; e < inStart[x + 1]; e++) {
      const y = inFrom[e]
      if (inKind[e] >= EdgeKind.subject && deleted[y] && --waiting[y] === 0) queue[tail++] = y
    }
  }
  if (tail !== total) {
    throw new Error(
      `deleteOrder: ${total - tail} deleted versions lie on a reference loop; the planner must keep them`
    )
  }

  const versionsOf = new Map<number, number[]>()
  for (let v = 0; v < g.versions.length; v++) {
    const node = g.nodeOfVersion[v]
    if (!deleted[node] || g.primaryVersion[node] === v) continue
    let list = versionsOf.get(node)
    if (!list) versionsOf.set(node, (list = []))
    list.push(v)
  }
  const ids: number[] = []
  for (let k = 0; k < tail; k++) {
    const node = queue[k]
    ids.push(g.versions[g.primaryVersion[node]].id)
    const more = versionsOf.get(node)
    if (more) for (const v of more) ids.push(g.versions[v].id)
  }
  return ids
}
