import { createHash } from 'node:crypto'
import type { Descriptor, Manifest, Platform } from '../../src/model/Manifest.js'
import { MediaTypes } from '../../src/model/MediaType.js'
import type { PackageVersion } from '../../src/model/PackageVersion.js'
import { nextFetches } from '../../src/planner/fetchPlan.js'
import type { ManifestFact } from '../../src/model/ManifestFact.js'
import type { PlanInput } from '../../src/planner/Plan.js'

export const NOW = Date.UTC(2026, 10, 23, 12, 0, 0)
export const DAY = 86_400_000

/** A stable fake digest for a readable name. */
export function dg(name: string): string {
  return 'sha256:' + createHash('sha256').update(name).digest('hex')
}

export function hex(name: string): string {
  return dg(name).slice(7)
}

interface VersionOptions {
  readonly tags?: readonly string[]
  /** Age in days (created and updated), default 100. */
  readonly age?: number
  /** Updated this many days ago (default: same as age). */
  readonly updated?: number
}

interface ChildSpec {
  readonly name: string
  readonly platform?: string
  /** Name of the platform image this BuildKit attestation manifest attests. */
  readonly attests?: string
  /** Override the descriptor media type (`null` = leave it out). */
  readonly mediaType?: string | null
  readonly artifactType?: string
}

function platformOf(p: string | undefined): Platform | undefined {
  if (!p) return undefined
  const [os, architecture, variant] = p.split('/')
  return { os, architecture, ...(variant ? { variant } : {}) }
}

/**
 * Builds a package as GitHub lists it plus the registry's manifests, then reads the manifests the way the
 * action does (looping nextFetches), so scenario tests also exercise the read plan.
 */
export class PackageBuilder {
  readonly versions: PackageVersion[] = []
  readonly truth = new Map<string, Manifest>()
  readonly failures = new Map<string, ManifestFact>()
  private nextId = 1000
  private readonly namesInOrder: string[] = []

  /** Every name given to version(), in order. */
  names(): readonly string[] {
    return this.namesInOrder
  }

  /** Adds a version; ids grow in call order, so later calls are "newer" on ties. */
  version(name: string, opts: VersionOptions = {}): string {
    const digest = dg(name)
    this.namesInOrder.push(name)
    const age = opts.age ?? 100
    const updated = opts.updated ?? age
    this.versions.push({
      id: this.nextId++,
      digest,
      tags: opts.tags ?? [],
      createdAt: NOW - age * DAY,
      updatedAt: NOW - updated * DAY
    })
    return digest
  }

  image(
    name: string,
    opts: VersionOptions & { subject?: string; artifactType?: string; docker?: boolean } = {}
  ): string {
    const digest = this.version(name, opts)
    this.truth.set(digest, {
      digest,
      mediaType: opts.docker ? MediaTypes.dockerV2 : MediaTypes.ociManifest,
      kind: 'image',
      manifests: [],
      layers: [{ digest: dg(name + '/layer'), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }],
      config: {
        digest: dg(name + '/config'),
        mediaType: opts.artifactType ? MediaTypes.ociEmpty : 'application/vnd.oci.image.config.v1+json'
      },
      ...(opts.artifactType ? { artifactType: opts.artifactType } : {}),
      ...(opts.subject ? { subject: { digest: dg(opts.subject), mediaType: MediaTypes.ociManifest } } : {}),
      size: 500
    })
    return digest
  }

  /** An index listing `children` (names; absent ones make it sparse). */
  index(
    name: string,
    children: readonly (ChildSpec | string)[],
    opts: VersionOptions & { docker?: boolean; subject?: string; referrers?: boolean } = {}
  ): string {
    const digest = this.version(name, opts)
    const manifests: Descriptor[] = children.map(c => {
      const spec: ChildSpec = typeof c === 'string' ? { name: c } : c
      const childDigest = dg(spec.name)
      const known = this.truth.get(childDigest)
      const mediaType =
        spec.mediaType === null ? undefined : (spec.mediaType ?? known?.mediaType ?? MediaTypes.ociManifest)
      const annotations = spec.attests
        ? {
            'vnd.docker.reference.type': 'attestation-manifest',
            'vnd.docker.reference.digest': dg(spec.attests)
          }
        : undefined
      return {
        digest: childDigest,
        mediaType,
        size: 500,
        platform: spec.attests ? { os: 'unknown', architecture: 'unknown' } : platformOf(spec.platform),
        ...(annotations ? { annotations } : {}),
        ...(spec.artifactType ? { artifactType: spec.artifactType } : {})
      }
    })
    this.truth.set(digest, {
      digest,
      mediaType: opts.docker ? MediaTypes.dockerList : MediaTypes.ociIndex,
      kind: 'index',
      manifests,
      layers: [],
      ...(opts.subject ? { subject: { digest: dg(opts.subject), mediaType: MediaTypes.ociManifest } } : {}),
      size: 800
    })
    return digest
  }

  /** A cosign `sha256-<hex>.sig|.att|.sbom` tagged manifest about `subject`. */
  cosign(
    name: string,
    subject: string,
    suffix: 'sig' | 'att' | 'sbom' = 'sig',
    opts: VersionOptions = {}
  ): string {
    return this.image(name, { ...opts, tags: [`sha256-${hex(subject)}.${suffix}`, ...(opts.tags ?? [])] })
  }

  /** Makes reading `name` fail with this fact. */
  fail(name: string, fact: Partial<Extract<ManifestFact, { ok: false }>> = {}): this {
    this.failures.set(dg(name), { ok: false, reason: 'HTTP 500 after 3 attempts', ...fact })
    return this
  }

  /** Reads manifests as the action does; returns the facts and the digests read, in read order. */
  read(): { facts: Map<string, ManifestFact>; reads: string[][] } {
    const facts = new Map<string, ManifestFact>()
    const reads: string[][] = []
    for (let round = 0; round < 50; round++) {
      const next = nextFetches(this.versions, facts)
      if (next.length === 0) return { facts, reads }
      reads.push(next)
      for (const d of next) {
        const failure = this.failures.get(d)
        const m = this.truth.get(d)
        facts.set(
          d,
          failure ??
            (m ? { ok: true, manifest: m } : { ok: false, reason: 'no such manifest', notFound: true })
        )
      }
    }
    throw new Error('nextFetches did not converge')
  }

  input(packageName = 'app'): PlanInput {
    return { packageName, versions: this.versions, manifests: this.read().facts, now: NOW }
  }
}
