import { EdgeKind, type ImageGraph } from './ImageGraph.js'

/**
 * Marks every version that lies on a loop of references (index → child, artifact → subject, referrer tag →
 * named digest). Content addressing makes such loops impossible for manifests alone, but tags are mutable, so
 * `sha256-<own hex>.sig` or an index listing a version whose tag names the index can be crafted. Versions on a
 * loop have no safe deletion order, so the planner keeps them. Iterative Tarjan: O(versions + edges), no
 * recursion depth limit.
 */
export function referenceLoops(g: ImageGraph): Uint8Array {
  const n = g.size
  const onLoop = new Uint8Array(n)
  const index = new Int32Array(n).fill(-1)
  const low = new Int32Array(n)
  const onStack = new Uint8Array(n)
  const stack = new Int32Array(n)
  let sp = 0
  const callNode = new Int32Array(n)
  const callPos = new Int32Array(n)
  let counter = 0
  const { outStart, outTo, outKind, inStart, inFrom, inKind } = g

  for (let s = 0; s < n; s++) {
    if (index[s] !== -1) continue
    index[s] = low[s] = counter++
    stack[sp++] = s
    onStack[s] = 1
    callNode[0] = s
    callPos[0] = 0
    let csp = 1
    while (csp > 0) {
      const u = callNode[csp - 1]
      const outLen = outStart[u + 1] - outStart[u]
      const total = outLen + inStart[u + 1] - inStart[u]
      let w = -1
      let pos = callPos[csp - 1]
      // References of u: owned manifests it lists (child edges out), and owners it names (subject/tag edges in).
      while (pos < total) {
        if (pos < outLen) {
          const e = outStart[u] + pos
          pos++
          if (outKind[e] <= EdgeKind.attestation) {
            w = outTo[e]
            break
          }
        } else {
          const e = inStart[u] + pos - outLen
          pos++
          if (inKind[e] >= EdgeKind.subject) {
            w = inFrom[e]
            break
          }
        }
      }
      callPos[csp - 1] = pos
      if (w !== -1) {
        if (w === u) onLoop[u] = 1
        if (index[w] === -1) {
          index[w] = low[w] = counter++
          stack[sp++] = w
          onStack[w] = 1
          callNode[csp] = w
          callPos[csp] = 0
          csp++
        } else if (onStack[w] && index[w] < low[u]) {
          low[u] = index[w]
        }
        continue
      }
      if (low[u] === index[u]) {
        let size = 0
        let top = sp
        do {
          top--
          size++
        } while (stack[top] !== u)
        for (let k = top; k < sp; k++) {
          const x = stack[k]
          onStack[x] = 0
          if (size > 1) onLoop[x] = 1
        }
        sp = top
      }
      csp--
      if (csp > 0) {
        const parent = callNode[csp - 1]
        if (low[u] < low[parent]) low[parent] = low[u]
      }
    }
  }
  return onLoop
}
