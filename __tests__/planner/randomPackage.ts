import fc from 'fast-check'
import type { Manifest } from '../../src/model/Manifest.js'
import { MediaTypes } from '../../src/model/MediaType.js'
import type { PackageVersion } from '../../src/model/PackageVersion.js'
import { nextFetches } from '../../src/planner/fetchPlan.js'
import type { ManifestFact } from '../../src/model/ManifestFact.js'
import { DAY, NOW, dg } from './packageBuilder.js'

/**
 * Random packages for the property tests: indexes with random children (duplicates, self references,
 * missing digests, nesting, loops), artifacts with `subject`, cosign and referrers-index tags, random tags and
 * times, and failed reads. The generator keeps to the conventions the read plan relies on (documented in
 * fetchPlan.ts): descriptors tell the truth about media types when present, a cosign-tagged version is a
 * single manifest about the digest in its tag, and a manifest with a `subject` is listed only by a
 * referrers index of that same subject.
 */
export const TAG_POOL = [
  'latest',
  'v1',
  'v1.2',
  'v2',
  'v10',
  'pr-1',
  'pr-2',
  'pr-3',
  'dev',
  'main',
  'sha-abc',
  'v1-rc',
  // Full versions for keep-semver (a prerelease, both spellings) and a tag group-by can split.
  'v1.2.3',
  '1.2.4',
  'v2.0.0',
  'v2.0.1',
  'v2.0.0-rc.1',
  'pr-5-abc1234'
]
export const PATTERNS = ['v*', 'pr-*', 'latest', '/^v\\d+$/', 'dev', '*', 'main', '/pr-[12]/', 'nomatch-*']

export interface NodeSpec {
  readonly isIndex: boolean
  readonly children: readonly number[]
  readonly omitMediaType: boolean
  readonly subject: number | null
  readonly tags: readonly number[]
  readonly cosign: { readonly target: number; readonly suffix: 'sig' | 'att' | 'sbom' } | null
  readonly referrersOf: number | null
  readonly age: number
  readonly updatedAgo: number
  readonly failure: 'none' | 'generic' | 'leaf' | 'notFound'
  /** Orders version ids independently of list order (GitHub lists newest first, but ids can tie times). */
  readonly idKey: number
  /** Lets this index list versions before it in the list too, which makes loops (1 in 10). */
  readonly backRefs: boolean
}

export interface RandomPackage {
  readonly versions: PackageVersion[]
  readonly truth: Map<string, Manifest>
  readonly failures: Map<string, ManifestFact>
  /** Owner → owned edges of the real graph, by version index. */
  readonly ownerEdges: [number, number][]
  /** a references b (a must be deleted first), by version index. */
  readonly referenceEdges: [number, number][]
  /** Version indexes whose manifest exists (not notFound) and is an index. */
  readonly indexParents: Map<number, number[]>
}

const FAILURES = ['generic', 'leaf', 'notFound'] as const
const SUFFIXES = ['sig', 'att', 'sbom'] as const

/**
 * One version as plain integers (fast to generate, still shrinkable): a reference in `[-2, maxRef]` names a
 * version (`k % n`) or, when negative, a digest absent from the package; optional references are drawn
 * from a wider range and count as absent above `maxRef`.
 */
export function nodeArb(maxRef: number): fc.Arbitrary<NodeSpec> {
  const ref = fc.integer({ min: -2, max: maxRef })
  const optionalRef = (oneIn: number) => fc.integer({ min: -2, max: (maxRef + 3) * oneIn - 3 })
  const orNull = (k: number) => (k > maxRef ? null : k)
  return fc
    .tuple(
      fc.boolean(),
      fc.array(ref, { maxLength: 5 }),
      fc.boolean(),
      optionalRef(5),
      fc.array(fc.integer({ min: 0, max: TAG_POOL.length - 1 }), { maxLength: 3 }),
      optionalRef(5),
      fc.integer({ min: 0, max: 2 }),
      optionalRef(8),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 62 }),
      fc.integer({ min: 0, max: 1000 }),
      fc.integer({ min: 0, max: 9 })
    )
    .map(
      ([
        isIndex,
        children,
        omitMediaType,
        subject,
        tags,
        cosign,
        suffix,
        referrersOf,
        age,
        updatedAgo,
        failure,
        idKey,
        back
      ]) => ({
        isIndex,
        children,
        omitMediaType,
        subject: orNull(subject),
        tags,
        cosign: orNull(cosign) === null ? null : { target: cosign, suffix: SUFFIXES[suffix] },
        referrersOf: orNull(referrersOf),
        age,
        updatedAgo,
        // About one version in twenty fails to read.
        failure: failure < 60 ? 'none' : FAILURES[failure - 60],
        idKey,
        backRefs: back === 0
      })
    )
}

export function packageArb(
  maxVersions: number,
  size: fc.SizeForArbitrary = 'small'
): fc.Arbitrary<RandomPackage> {
  return fc.array(nodeArb(maxVersions - 1), { minLength: 1, maxLength: maxVersions, size }).map(build)
}

const digestCache = new Map<string, string>()
function cachedDigest(name: string): string {
  let d = digestCache.get(name)
  if (d === undefined) digestCache.set(name, (d = dg(name)))
  return d
}

function build(specs: readonly NodeSpec[]): RandomPackage {
  const n = specs.length
  const order = specs.map((s, i) => [s.idKey, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const ids: number[] = new Array(n)
  order.forEach(([, i], rank) => (ids[i] = 1000 + rank))
  const digestOf = (k: number): string => (k < 0 ? cachedDigest(`missing${k}`) : cachedDigest(`n${k % n}`))
  const idx = (k: number): number => (k < 0 ? -1 : k % n)
  const hexOf = (k: number): string => digestOf(k).slice(7)
  const usedTags = new Set<number>()
  const versions: PackageVersion[] = []
  const truth = new Map<string, Manifest>()
  const failures = new Map<string, ManifestFact>()
  const ownerEdges: [number, number][] = []
  const referenceEdges: [number, number][] = []
  const indexParents = new Map<number, number[]>()

  // Normalise each spec to the conventions described above.
  // Self references by subject or tag name only happen in crafted packages: keep them, but rarely.
  const notSelf = (k: number | null, i: number, s: NodeSpec) =>
    k !== null && idx(k) === i && !s.backRefs ? null : k
  const isIndex = specs.map(s => s.isIndex && !s.cosign)
  const subjectOf = specs.map((s, i) => (s.cosign ? null : notSelf(s.subject, i, s)))
  const referrersOf = specs.map((s, i) => (isIndex[i] ? notSelf(s.referrersOf, i, s) : null))
  const cosignOf = specs.map((s, i) =>
    s.cosign && notSelf(s.cosign.target, i, s) !== null ? s.cosign : null
  )

  for (let i = 0; i < n; i++) {
    const s = specs[i]
    const tags: string[] = []
    for (const t of s.tags) {
      if (usedTags.has(t)) continue
      usedTags.add(t)
      tags.push(TAG_POOL[t])
    }
    const cosign = cosignOf[i]
    if (cosign) tags.push(`sha256-${hexOf(cosign.target)}.${cosign.suffix}`)
    const ro = referrersOf[i]
    if (ro !== null) tags.push(`sha256-${hexOf(ro)}`)
    const age = s.age
    versions.push({
      id: ids[i],
      digest: digestOf(i),
      tags,
      createdAt: NOW - age * DAY,
      updatedAt: NOW - Math.min(age, s.updatedAgo) * DAY
    })
  }

  for (let i = 0; i < n; i++) {
    const s = specs[i]
    let failure = s.failure
    if (failure === 'leaf' && isIndex[i]) failure = 'generic'
    if (failure === 'notFound' && (isIndex[i] || subjectOf[i] !== null)) failure = 'generic'
    const digest = digestOf(i)
    if (failure === 'generic') failures.set(digest, { ok: false, reason: 'HTTP 500' })
    if (failure === 'leaf')
      failures.set(digest, { ok: false, reason: 'bad JSON', mediaType: MediaTypes.ociManifest })
    if (failure === 'notFound')
      failures.set(digest, { ok: false, reason: 'MANIFEST_UNKNOWN', notFound: true })

    const subject = subjectOf[i]
    if (subject !== null) {
      const t = idx(subject)
      if (t >= 0) {
        ownerEdges.push([t, i])
        referenceEdges.push([i, t])
      }
    }
    for (const named of [cosignOf[i]?.target ?? null, referrersOf[i]]) {
      if (named === null) continue
      const t = idx(named)
      if (t >= 0) {
        ownerEdges.push([t, i])
        referenceEdges.push([i, t])
      }
    }

    if (isIndex[i]) {
      // Children are mostly later versions (a DAG, as content addressing guarantees); sometimes any version.
      const childIdx = (c: number): number =>
        c < 0 ? -1 : s.backRefs ? c % n : i + 1 < n ? i + 1 + (c % (n - i - 1)) : -1
      const manifests = s.children
        .filter(c => {
          const ci = childIdx(c)
          // A manifest with a subject is listed only by a referrers index of that subject.
          return (
            ci < 0 ||
            subjectOf[ci] === null ||
            (referrersOf[i] !== null && idx(referrersOf[i]!) === idx(subjectOf[ci]!))
          )
        })
        .map(c => {
          const ci = childIdx(c)
          if (ci >= 0) {
            ownerEdges.push([i, ci])
            referenceEdges.push([i, ci])
            const list = indexParents.get(ci) ?? []
            list.push(i)
            indexParents.set(ci, list)
          }
          const mediaType = s.omitMediaType
            ? undefined
            : ci >= 0 && isIndex[ci]
              ? MediaTypes.ociIndex
              : MediaTypes.ociManifest
          return {
            digest: ci < 0 ? cachedDigest(`gone${c}`) : digestOf(ci),
            mediaType,
            platform: { os: 'linux', architecture: `arch${c}` }
          }
        })
      truth.set(digest, {
        digest,
        mediaType: MediaTypes.ociIndex,
        kind: 'index',
        manifests,
        layers: [],
        ...(subject !== null ? { subject: { digest: digestOf(subject) } } : {}),
        size: 100
      })
    } else {
      truth.set(digest, {
        digest,
        mediaType: MediaTypes.ociManifest,
        kind: 'image',
        manifests: [],
        layers: [],
        config: { digest: cachedDigest(`cfg${i}`), mediaType: 'application/vnd.oci.image.config.v1+json' },
        ...(subject !== null
          ? { subject: { digest: digestOf(subject) }, artifactType: 'application/example' }
          : {}),
        size: 100
      })
    }
  }
  return { versions, truth, failures, ownerEdges, referenceEdges, indexParents }
}

/** Reads manifests the way the action does: loop nextFetches until it asks for nothing. */
export function readFacts(p: RandomPackage): Map<string, ManifestFact> {
  const facts = new Map<string, ManifestFact>()
  for (let round = 0; round < 100; round++) {
    const next = nextFetches(p.versions, facts)
    if (next.length === 0) return facts
    for (const d of next) {
      if (facts.has(d)) throw new Error(`nextFetches asked again for ${d}`)
      const m = p.truth.get(d)
      facts.set(
        d,
        p.failures.get(d) ?? (m ? { ok: true, manifest: m } : { ok: false, reason: 'absent', notFound: true })
      )
    }
  }
  throw new Error('nextFetches did not converge')
}
