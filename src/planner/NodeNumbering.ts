import type { Manifest } from '../model/Manifest.js'
import type { PackageVersion } from '../model/PackageVersion.js'

/**
 * Numbers the distinct digests of a version list (node = position of first listing) and resolves each index's
 * descriptors to node numbers. Both depend only on digests, and one run builds the graph of the same version
 * list several times (each round of nextFetches, then plan), so both are remembered per version list and per
 * manifest object — weakly, so nothing outlives its input. A remembered numbering is used only after checking
 * that the list still holds the same digests in the same places; the result is identical either way.
 */
export interface NodeNumbering {
  readonly nodeOf: ReadonlyMap<string, number>
  readonly digests: readonly string[]
  readonly nodeOfVersion: Int32Array
  /** Node → first version index listing it. */
  readonly primaryVersion: Int32Array
  readonly children: WeakMap<Manifest, Int32Array>
}

const remembered = new WeakMap<readonly PackageVersion[], NodeNumbering>()

export function numberVersions(versions: readonly PackageVersion[]): NodeNumbering {
  const known = remembered.get(versions)
  if (known && stillMatches(known, versions)) return known
  const nodeOf = new Map<string, number>()
  const nodeOfVersion = new Int32Array(versions.length)
  const digests: string[] = []
  const primary: number[] = []
  for (let v = 0; v < versions.length; v++) {
    const digest = versions[v].digest
    let node = nodeOf.get(digest)
    if (node === undefined) {
      node = digests.length
      nodeOf.set(digest, node)
      digests.push(digest)
      primary.push(v)
    }
    nodeOfVersion[v] = node
  }
  const numbering: NodeNumbering = {
    nodeOf,
    digests,
    nodeOfVersion,
    primaryVersion: Int32Array.from(primary),
    children: new WeakMap()
  }
  remembered.set(versions, numbering)
  return numbering
}

function stillMatches(n: NodeNumbering, versions: readonly PackageVersion[]): boolean {
  if (n.nodeOfVersion.length !== versions.length) return false
  for (let v = 0; v < versions.length; v++) {
    if (versions[v].digest !== n.digests[n.nodeOfVersion[v]]) return false
  }
  return true
}

/** Node number of each descriptor of `index.manifests` (-1 when the digest is not in the package). */
export function childNodes(n: NodeNumbering, index: Manifest): Int32Array {
  let nodes = n.children.get(index)
  if (nodes) return nodes
  const ds = index.manifests
  nodes = new Int32Array(ds.length)
  for (let k = 0; k < ds.length; k++) nodes[k] = n.nodeOf.get(ds[k].digest) ?? -1
  n.children.set(index, nodes)
  return nodes
}
