import type { ImageGraph } from './ImageGraph.js'

const NONE: readonly string[] = Object.freeze([])

/**
 * For every version, every tag whose closure reaches it (its own tags included): the `associated_tag` users
 * asked for in snok #90, so a platform image or attestation is shown with the tags it serves. One walk per
 * tagged version with a stamp array instead of a fresh visited set, so the cost is the summed closure sizes
 * (O(versions + edges) when images do not share children; output-sized otherwise).
 */
export function associatedTags(g: ImageGraph): (readonly string[])[] {
  const n = g.size
  const result: (readonly string[])[] = []
  for (let i = 0; i < n; i++) result.push(NONE)
  // Most versions are reached by one tagged version: they share its tag array; a second one copies it first.
  const owned = new Uint8Array(n)
  const stamp = new Int32Array(n).fill(-1)
  const queue = new Int32Array(n)
  const { outStart, outTo } = g
  for (let r = 0; r < n; r++) {
    const tags = g.tags[r]
    if (tags.length === 0) continue
    let head = 0
    let tail = 0
    queue[tail++] = r
    stamp[r] = r
    while (head < tail) {
      const x = queue[head++]
      const current = result[x]
      if (current === NONE) result[x] = tags
      else if (owned[x]) (current as string[]).push(...tags)
      else {
        result[x] = current.concat(tags)
        owned[x] = 1
      }
      for (let e = outStart[x]; e < outStart[x + 1]; e++) {
        const y = outTo[e]
        if (stamp[y] !== r) {
          stamp[y] = r
          queue[tail++] = y
        }
      }
    }
  }
  return result
}
