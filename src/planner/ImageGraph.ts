import type { Descriptor, Manifest, Platform } from '../model/Manifest.js'
import { formatPlatform, isArtifact } from '../model/Manifest.js'
import { isIndexMediaType } from '../model/MediaType.js'
import type { PackageVersion } from '../model/PackageVersion.js'
import { childNodes, numberVersions } from './NodeNumbering.js'
import type { ManifestFact } from '../model/ManifestFact.js'
import { parseReferrerTag, type ReferrerTagKind } from './ReferrerTags.js'

/**
 * Edge kinds, always stored from the owner to what it owns (what lives and dies with it):
 * - `child`: index → descriptor in `manifests[]` (platform image, nested index, listed referrer);
 * - `attestation`: index → BuildKit attestation manifest (descriptor annotated `attestation-manifest`);
 * - `subject`: subject → artifact whose `subject` names it;
 * - `referrerTag`: digest named by a `sha256-<hex>[.sig|.att|.sbom]` tag → the version carrying the tag.
 * For the first two the owner references the owned manifest; for the last two the owned one refers back.
 */
export const EdgeKind = { child: 0, attestation: 1, subject: 2, referrerTag: 3 } as const
export type EdgeKindValue = (typeof EdgeKind)[keyof typeof EdgeKind]

/** True when the owned end of the edge is the one holding the reference (it names its owner). */
export function ownedRefersToOwner(kind: number): boolean {
  return kind >= EdgeKind.subject
}

/** What we know of a version's manifest. */
export const ManifestState = { notFetched: 0, index: 1, image: 2, schema1: 3, failed: 4 } as const

export const REF_TAG_KINDS: readonly (ReferrerTagKind | undefined)[] = [
  undefined,
  'signature',
  'attestation',
  'sbom',
  'referrers-index'
]
const REF_TAG_CODE: Readonly<Record<ReferrerTagKind, number>> = {
  signature: 1,
  attestation: 2,
  sbom: 3,
  'referrers-index': 4
}
export const REF_TAG_REFERRERS_INDEX = 4

/** Bits of `descFlags`: what the descriptors pointing at a version claim about its type. */
export const DescClaim = { mayBeIndex: 1, leaf: 2 } as const

const EMPTY: readonly string[] = Object.freeze([])
const ATTESTATION_TYPE = 'vnd.docker.reference.type'
const ATTESTATION_DIGEST = 'vnd.docker.reference.digest'

/**
 * The package as a graph over its distinct digests (nodes), built in O(versions + edges) with typed arrays so
 * 100k versions / 1M edges stay well inside a second. Built only from what is known: edges come from fetched
 * manifests and from tag names; a descriptor naming a digest absent from the package is counted, not linked.
 */
export interface ImageGraph {
  readonly size: number
  readonly versions: readonly PackageVersion[]
  readonly digests: readonly string[]
  readonly nodeOf: ReadonlyMap<string, number>
  /** Version index → node. */
  readonly nodeOfVersion: Int32Array
  /** Node → first version index carrying that digest (GitHub lists each digest once; duplicates are merged). */
  readonly primaryVersion: Int32Array
  readonly tags: readonly (readonly string[])[]
  /** Tags that make a tagged root: every tag except `sha256-<hex>[.sig|.att|.sbom]`. */
  readonly rootTags: readonly (readonly string[])[]
  /** Index into REF_TAG_KINDS of the version's first referrer tag, 0 when none. */
  readonly refTag: Uint8Array
  readonly createdAt: Float64Array
  readonly updatedAt: Float64Array
  readonly facts: readonly (ManifestFact | undefined)[]
  readonly state: Uint8Array
  readonly manifests: readonly (Manifest | undefined)[]
  /** Full media type from the manifest, else from the first descriptor that points at the version. */
  readonly mediaType: readonly (string | undefined)[]
  /** 1 when the version is an artifact (signature, SBOM, …): artifactType set or a non-image config. */
  readonly artifact: Uint8Array
  readonly artifactType: readonly (string | undefined)[]
  /** For fetched indexes: descriptors present in the package / absent from it. */
  readonly presentChildren: Int32Array
  readonly missingChildren: Int32Array
  readonly firstMissing: readonly (string | undefined)[]
  /** Digest this version describes (subject or referrer tag) when that digest is not in the package. */
  readonly danglingSubject: readonly (string | undefined)[]
  /** DescClaim bits from descriptors pointing at the version. */
  readonly descFlags: Uint8Array
  /** `os/arch[/variant]` of the first descriptor pointing at the version. */
  readonly platform: readonly (string | undefined)[]
  /** For BuildKit attestation manifests: the node they attest (-1 when unknown or absent). */
  readonly attests: Int32Array
  /** 1 when a fetched index lists the version. */
  readonly reachedByIndex: Uint8Array
  /** CSR adjacency owner → owned. */
  readonly outStart: Int32Array
  readonly outTo: Int32Array
  readonly outKind: Uint8Array
  /** CSR adjacency owned ← owner. */
  readonly inStart: Int32Array
  readonly inFrom: Int32Array
  readonly inKind: Uint8Array
  readonly edgeCount: number
}

export function buildImageGraph(
  versions: readonly PackageVersion[],
  facts: ReadonlyMap<string, ManifestFact>
): ImageGraph {
  const numbering = numberVersions(versions)
  const { nodeOf, digests, nodeOfVersion } = numbering
  const n = digests.length
  const tags: (readonly string[])[] = new Array(n)
  const created = new Float64Array(n)
  const updated = new Float64Array(n)
  for (let v = 0; v < versions.length; v++) {
    const ver = versions[v]
    const node = nodeOfVersion[v]
    if (numbering.primaryVersion[node] === v) {
      tags[node] = ver.tags.length ? ver.tags : EMPTY
      created[node] = ver.createdAt
      updated[node] = ver.updatedAt
    } else {
      // One digest listed twice: treat as one manifest with every tag, dated by its newest listing (the
      // younger date is the one that keeps it longer).
      tags[node] = [...new Set([...tags[node], ...ver.tags])]
      created[node] = Math.max(created[node], ver.createdAt)
      updated[node] = Math.max(updated[node], ver.updatedAt)
    }
  }

  const rootTags: (readonly string[])[] = new Array(n)
  const refTag = new Uint8Array(n)
  const state = new Uint8Array(n)
  const nodeFacts: (ManifestFact | undefined)[] = new Array(n)
  const manifests: (Manifest | undefined)[] = new Array(n)
  const mediaType: (string | undefined)[] = new Array(n)
  const artifact = new Uint8Array(n)
  const artifactType: (string | undefined)[] = new Array(n)
  let edgeBound = 0
  for (let i = 0; i < n; i++) {
    const t = tags[i]
    let roots: string[] | undefined
    for (let k = 0; k < t.length; k++) {
      const ref = parseReferrerTag(t[k])
      if (ref) {
        edgeBound++
        if (refTag[i] === 0) refTag[i] = REF_TAG_CODE[ref.kind]
        if (!roots) roots = t.slice(0, k)
      } else if (roots) roots.push(t[k])
    }
    rootTags[i] = roots ?? t
    const fact = facts.get(digests[i])
    nodeFacts[i] = fact
    if (!fact) continue
    if (!fact.ok) {
      state[i] = ManifestState.failed
      mediaType[i] = fact.mediaType
      continue
    }
    const m = fact.manifest
    manifests[i] = m
    mediaType[i] = m.mediaType
    state[i] =
      m.kind === 'index'
        ? ManifestState.index
        : m.kind === 'image'
          ? ManifestState.image
          : ManifestState.schema1
    if (isArtifact(m)) {
      artifact[i] = 1
      artifactType[i] = m.artifactType ?? m.config?.mediaType
    } else if (m.artifactType) {
      artifactType[i] = m.artifactType
    }
    if (m.kind === 'index') edgeBound += m.manifests.length
    if (m.subject) edgeBound++
  }

  const eFrom = new Int32Array(edgeBound)
  const eTo = new Int32Array(edgeBound)
  const eKind = new Uint8Array(edgeBound)
  let m = 0
  const presentChildren = new Int32Array(n)
  const missingChildren = new Int32Array(n)
  const firstMissing: (string | undefined)[] = new Array(n)
  const danglingSubject: (string | undefined)[] = new Array(n)
  const descFlags = new Uint8Array(n)
  const platform: (string | undefined)[] = new Array(n)
  const attests = new Int32Array(n).fill(-1)
  const reachedByIndex = new Uint8Array(n)
  const attestedDigest: (string | undefined)[] = []
  // Packages use a handful of platforms: format each once instead of once per platform image.
  const platformNames = new Map<string, Map<string, Map<string | undefined, string>>>()
  const platformName = (p: Platform): string => {
    let byArch = platformNames.get(p.os)
    if (!byArch) platformNames.set(p.os, (byArch = new Map()))
    let byVariant = byArch.get(p.architecture)
    if (!byVariant) byArch.set(p.architecture, (byVariant = new Map()))
    let name = byVariant.get(p.variant)
    if (name === undefined) byVariant.set(p.variant, (name = formatPlatform(p)!))
    return name
  }

  for (let i = 0; i < n; i++) {
    const man = manifests[i]
    if (man) {
      if (man.kind === 'index') {
        const ds = man.manifests
        const kids = childNodes(numbering, man)
        for (let k = 0; k < ds.length; k++) {
          const d: Descriptor = ds[k]
          const child = kids[k]
          if (child === -1) {
            missingChildren[i]++
            if (firstMissing[i] === undefined) firstMissing[i] = d.digest
            continue
          }
          presentChildren[i]++
          const annotations = d.annotations
          const isAttestation =
            annotations !== undefined && annotations[ATTESTATION_TYPE] === 'attestation-manifest'
          eFrom[m] = i
          eTo[m] = child
          eKind[m++] = isAttestation ? EdgeKind.attestation : EdgeKind.child
          const type = d.mediaType
          descFlags[child] |=
            type === undefined || isIndexMediaType(type) ? DescClaim.mayBeIndex : DescClaim.leaf
          if (reachedByIndex[child] === 0) {
            // The first descriptor naming a version describes it (type, platform, what it attests).
            reachedByIndex[child] = 1
            if (mediaType[child] === undefined) mediaType[child] = type
            if (d.artifactType !== undefined && artifactType[child] === undefined) {
              artifactType[child] = d.artifactType
              if (state[child] === ManifestState.notFetched) artifact[child] = 1
            }
            if (d.platform) platform[child] = platformName(d.platform)
            if (isAttestation) attestedDigest[child] = annotations[ATTESTATION_DIGEST] ?? ''
          }
        }
      }
      if (man.subject) {
        const subject = nodeOf.get(man.subject.digest)
        if (subject === undefined) danglingSubject[i] = man.subject.digest
        else {
          eFrom[m] = subject
          eTo[m] = i
          eKind[m++] = EdgeKind.subject
        }
      }
    }
    if (refTag[i] !== 0) {
      // Every referrer tag of the version links it to the digest that tag names.
      const t = tags[i]
      for (let k = 0; k < t.length; k++) {
        const ref = parseReferrerTag(t[k])
        if (!ref) continue
        const subject = nodeOf.get(ref.subject)
        if (subject === undefined) {
          if (danglingSubject[i] === undefined) danglingSubject[i] = ref.subject
        } else {
          eFrom[m] = subject
          eTo[m] = i
          eKind[m++] = EdgeKind.referrerTag
        }
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const a = attestedDigest[i]
    if (a) attests[i] = nodeOf.get(a) ?? -1
  }

  const outStart = new Int32Array(n + 1)
  const inStart = new Int32Array(n + 1)
  for (let e = 0; e < m; e++) {
    outStart[eFrom[e] + 1]++
    inStart[eTo[e] + 1]++
  }
  for (let i = 0; i < n; i++) {
    outStart[i + 1] += outStart[i]
    inStart[i + 1] += inStart[i]
  }
  const outTo = new Int32Array(m)
  const outKind = new Uint8Array(m)
  const inFrom = new Int32Array(m)
  const inKind = new Uint8Array(m)
  const outPos = outStart.slice(0, n)
  const inPos = inStart.slice(0, n)
  for (let e = 0; e < m; e++) {
    const a = eFrom[e]
    const b = eTo[e]
    const o = outPos[a]++
    outTo[o] = b
    outKind[o] = eKind[e]
    const p = inPos[b]++
    inFrom[p] = a
    inKind[p] = eKind[e]
  }

  return {
    size: n,
    versions,
    digests,
    nodeOf,
    nodeOfVersion,
    primaryVersion: numbering.primaryVersion,
    tags,
    rootTags,
    refTag,
    createdAt: created,
    updatedAt: updated,
    facts: nodeFacts,
    state,
    manifests,
    mediaType,
    artifact,
    artifactType,
    presentChildren,
    missingChildren,
    firstMissing,
    danglingSubject,
    descFlags,
    platform,
    attests,
    reachedByIndex,
    outStart,
    outTo,
    outKind,
    inStart,
    inFrom,
    inKind,
    edgeCount: m
  }
}
