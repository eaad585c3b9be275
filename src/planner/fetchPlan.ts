import { MediaTypes } from '../model/MediaType.js'
import type { PackageVersion } from '../model/PackageVersion.js'
import {
  buildImageGraph,
  DescClaim,
  ManifestState,
  REF_TAG_REFERRERS_INDEX,
  type ImageGraph
} from './ImageGraph.js'
import type { ManifestFact } from '../model/ManifestFact.js'

/**
 * Why a version's manifest must be read (shared/DESIGN.md §9), in the order the reads can happen:
 * 1. `tagged`: every tagged root, and every `sha256-<hex>` referrers index (its body lists the referrers);
 *    cosign `.sig/.att/.sbom` tags are not read: the digest they belong to is in the tag name;
 * 2. `nested`: a version a fetched index lists with an index media type (or none), whose children we need;
 * 3. `unexplained`: an untagged version no fetched index lists; only its body says whether it is a referrer
 *    (`subject`) or an orphan. Asked for last, once phases 1 and 2 are done, so every index had its chance.
 * Platform images and attestations listed by an index are never read: the descriptor gives type and platform.
 */
export const ReadPhase = { none: 0, tagged: 1, nested: 2, unexplained: 3 } as const

export function readPhase(g: ImageGraph, i: number): number {
  if (g.rootTags[i].length > 0 || g.refTag[i] === REF_TAG_REFERRERS_INDEX) return ReadPhase.tagged
  if (g.reachedByIndex[i] && g.descFlags[i] & DescClaim.mayBeIndex) return ReadPhase.nested
  if (g.tags[i].length === 0 && !g.reachedByIndex[i]) return ReadPhase.unexplained
  return ReadPhase.none
}

/** Media types that cannot list other manifests (the dead OCI artifact manifest included). */
const LEAF_TYPES = new Set<string>([
  MediaTypes.ociManifest,
  MediaTypes.dockerV2,
  MediaTypes.dockerV1,
  MediaTypes.dockerV1Signed,
  'application/vnd.oci.artifact.manifest.v1+json'
])

/** True when the version's manifest is needed but unknown: the read failed, or it was never made. */
export function isUnknown(g: ImageGraph, i: number): boolean {
  return (
    g.state[i] === ManifestState.failed || (g.state[i] === ManifestState.notFetched && readPhase(g, i) > 0)
  )
}

/**
 * Whether an unknown version might be an index, and so might list any other version of the package. It cannot
 * when the registry said the manifest does not exist, when it answered with a non-index type, when every
 * descriptor pointing at it declares a non-index type, or when it only carries cosign `.sig/.att/.sbom` tags
 * (cosign always pushes a single manifest there).
 */
export function mayReferenceOthers(g: ImageGraph, i: number): boolean {
  const fact = g.facts[i]
  if (fact && !fact.ok) {
    if (fact.notFound) return false
    if (fact.mediaType && LEAF_TYPES.has(fact.mediaType.split(';')[0].trim().toLowerCase())) return false
  }
  const claims = g.descFlags[i]
  if (claims & DescClaim.leaf && !(claims & DescClaim.mayBeIndex)) return false
  if (g.rootTags[i].length === 0 && g.refTag[i] !== 0 && g.refTag[i] !== REF_TAG_REFERRERS_INDEX) return false
  return true
}

/**
 * The digests still to read, given what has been read (`facts`, successes and failures alike): the I/O layer
 * loops `while ((next = nextFetches(versions, facts)).length) { read them; add to facts }`. Returns phase 1-2
 * digests while any remain, then the phase 3 ones; empty when done. Also empty as soon as a read failed for
 * a version that may be an index: the plan then keeps the whole package, so further reads are wasted
 * downloads (every registry GET counts as a download on GHCR).
 */
export function nextFetches(
  versions: readonly PackageVersion[],
  facts: ReadonlyMap<string, ManifestFact>
): string[] {
  return nextFetchesOf(buildImageGraph(versions, facts))
}

export function nextFetchesOf(g: ImageGraph): string[] {
  const early: string[] = []
  const late: string[] = []
  for (let i = 0; i < g.size; i++) {
    if (g.state[i] === ManifestState.failed) {
      if (mayReferenceOthers(g, i)) return []
      continue
    }
    if (g.state[i] !== ManifestState.notFetched) continue
    const phase = readPhase(g, i)
    if (phase === ReadPhase.tagged || phase === ReadPhase.nested) early.push(g.digests[i])
    else if (phase === ReadPhase.unexplained) late.push(g.digests[i])
  }
  return early.length > 0 ? early : late
}
