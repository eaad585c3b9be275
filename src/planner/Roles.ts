import { shortMediaType, type MediaTypeShort } from '../model/MediaType.js'
import type { Role } from './Decision.js'
import {
  EdgeKind,
  ManifestState,
  REF_TAG_KINDS,
  REF_TAG_REFERRERS_INDEX,
  type ImageGraph
} from './ImageGraph.js'

/** Role of an artifact from its artifactType (or config media type): what users call it. */
export function artifactRole(artifactType: string | undefined): Role {
  const t = (artifactType ?? '').toLowerCase()
  if (/in-toto|attestation|provenance|dsse|sigstore\.bundle/.test(t)) return 'attestation'
  if (/sbom|spdx|cyclonedx/.test(t)) return 'sbom'
  if (/signature|cosign|notation|notary/.test(t)) return 'signature'
  return 'referrer'
}

export function isGhost(g: ImageGraph, i: number): boolean {
  return g.state[i] === ManifestState.index && g.missingChildren[i] > 0 && g.presentChildren[i] === 0
}

export function isPartial(g: ImageGraph, i: number): boolean {
  return g.state[i] === ManifestState.index && g.missingChildren[i] > 0 && g.presentChildren[i] > 0
}

/**
 * What each version is (shared/DESIGN.md §3). First match wins: unknown; ghost/partial index; tagged root;
 * what its referrer tag says; an artifact about a subject; what the index listing it says (BuildKit
 * attestation, referrer listed by a referrers index, platform image); otherwise an orphan.
 */
export function classifyRoles(g: ImageGraph, unknown: Uint8Array): Role[] {
  const roles: Role[] = new Array(g.size)
  for (let i = 0; i < g.size; i++) roles[i] = roleOf(g, i, unknown)
  return roles
}

function roleOf(g: ImageGraph, i: number, unknown: Uint8Array): Role {
  if (unknown[i]) return 'unknown'
  if (isGhost(g, i)) return 'ghost-index'
  if (isPartial(g, i)) return 'partial-index'
  if (g.rootTags[i].length > 0) return 'tagged-root'
  const ref = REF_TAG_KINDS[g.refTag[i]]
  if (ref === 'referrers-index') return 'referrer'
  if (ref) return ref
  if (g.manifests[i]?.subject) return artifactRole(g.artifactType[i])
  let listed = false
  for (let e = g.inStart[i]; e < g.inStart[i + 1]; e++) {
    const kind = g.inKind[e]
    if (kind === EdgeKind.attestation) return 'attestation'
    if (kind === EdgeKind.subject || kind === EdgeKind.referrerTag) return artifactRole(g.artifactType[i])
    if (kind === EdgeKind.child) {
      if (g.refTag[g.inFrom[e]] === REF_TAG_REFERRERS_INDEX || g.artifact[i])
        return artifactRole(g.artifactType[i])
      listed = true
    }
  }
  return listed ? 'platform-image' : 'orphan'
}

export function mediaTypeShort(g: ImageGraph, i: number): MediaTypeShort {
  return shortMediaType(g.mediaType[i], g.artifact[i] === 1)
}
