// The package the real-registry suite prunes: every kind of content the action must tell apart, with named
// digests so a test can say exactly what must go and what must stay.
import { FixtureBuilder } from '../src/sim/fixtures/FixtureBuilder.js'
import type { FixturePackage } from '../src/sim/fixtures/types.js'

export interface E2ePackage {
  readonly pkg: FixturePackage
  /** Role → digest (`v1.0.0`, `v1.0.0:sig`, `orphan:45d`, …). */
  readonly refs: Readonly<Record<string, string>>
  /** Tag → digest, as pushed. */
  readonly tags: ReadonlyMap<string, string>
  /** Role → every digest of its collection (index, platform images, attestations; cosign tags included). */
  readonly collections: Readonly<Record<string, readonly string[]>>
}

export interface E2ePackageOptions {
  readonly owner: string
  readonly name: string
  readonly now: number
}

const MULTI = ['linux/amd64', 'linux/arm64/v8']

function start(options: E2ePackageOptions) {
  const b = new FixtureBuilder({
    owner: options.owner,
    name: options.name,
    now: options.now,
    // Layers shared per platform: fewer blobs to push, the same manifest graph.
    shareLayers: true
  })
  const refs: Record<string, string> = {}
  const collections: Record<string, string[]> = {}
  const multi = (role: string, tags: string[], ageDays: number, extra: { sbom?: boolean } = {}) => {
    const r = b.multiArch({ tags, platforms: MULTI, attestations: true, ageDays, text: role, ...extra })
    refs[role] = r.index
    collections[role] = [r.index, ...r.children.map(c => c.digest), ...r.attestations]
    return r
  }
  const nested = (role: string, ageDays: number) => {
    const r = b.nested({ tags: [role], platforms: MULTI, ageDays, text: role })
    refs[role] = r.index
    collections[role] = [r.index, r.inner.index, ...r.inner.children.map(c => c.digest)]
  }
  const signed = (role: string, kind: 'sig' | 'att') => {
    refs[`${role}:${kind}`] = b.cosign(refs[role], kind)
    collections[role].push(refs[`${role}:${kind}`])
  }
  const finish = (): E2ePackage => {
    const pkg = b.build()
    const tags = new Map<string, string>()
    for (const m of pkg.manifests) for (const t of m.tags) tags.set(t, m.digest)
    return { pkg, refs, tags, collections }
  }
  return { b, refs, collections, multi, nested, signed, finish }
}

/**
 * What the kill runs prune: few deletes (the action writes one per second, as GitHub asks), the whole of one
 * signed multi-arch PR build, beside kept content that must survive any interruption (a young orphan too).
 */
export function buildKillPackage(options: E2ePackageOptions): E2ePackage {
  const { b, refs, multi, nested, signed, finish } = start(options)
  multi('v1.3.0', ['v1.3.0', 'latest'], 10)
  signed('v1.3.0', 'sig')
  nested('bundle', 15)
  refs['main'] = b.image({ tags: ['main'], ageDays: 1, text: 'main' })
  multi('pr-1', ['pr-1'], 40)
  signed('pr-1', 'sig')
  refs['orphan:2d'] = b.orphan({ ageDays: 2, text: 'orphan-2' })
  return finish()
}

export function buildE2ePackage(options: E2ePackageOptions): E2ePackage {
  const { b, refs, collections, multi, nested, signed, finish } = start(options)

  // A Docker manifest list from before buildx, still pulled as 0.9.
  const legacy = b.multiArch({
    tags: ['v0.9.0', '0.9'],
    platforms: ['linux/amd64', 'linux/arm/v7'],
    format: 'docker',
    ageDays: 300,
    text: 'v0.9.0'
  })
  refs['v0.9.0'] = legacy.index
  collections['v0.9.0'] = [legacy.index, ...legacy.children.map(c => c.digest)]

  // An old release, signed and attested with cosign's legacy tags.
  multi('v1.0.0', ['v1.0.0'], 200)
  signed('v1.0.0', 'sig')
  signed('v1.0.0', 'att')

  // The current release: BuildKit provenance + SBOM, a cosign signature, and an OCI 1.1 signature-like
  // artifact with `subject` plus the `sha256-<hex>` referrers fallback index that lists it.
  multi('v1.3.0', ['v1.3.0', 'latest'], 10, { sbom: true })
  signed('v1.3.0', 'sig')
  refs['v1.3.0:referrer'] = b.referrer(refs['v1.3.0'], 'application/vnd.dev.sigstore.bundle.v0.3+json')
  refs['v1.3.0:referrers-index'] = b.referrersIndex(refs['v1.3.0'])
  collections['v1.3.0'].push(refs['v1.3.0:referrer'], refs['v1.3.0:referrers-index'])

  refs['legacy'] = b.image({ tags: ['legacy'], format: 'docker', ageDays: 100, text: 'legacy' })
  nested('bundle', 15)

  // A version with two tags: `main` protects its `sha-` tag.
  refs['main'] = b.image({ tags: ['main', 'sha-abc1234'], ageDays: 1, text: 'main' })

  // CI builds.
  multi('pr-1', ['pr-1'], 40)
  refs['pr-2'] = b.image({ tags: ['pr-2'], ageDays: 20, text: 'pr-2' })
  refs['sha-1111111'] = b.image({ tags: ['sha-1111111'], ageDays: 30, text: 'sha-1111111' })
  refs['sha-2222222'] = b.image({ tags: ['sha-2222222'], ageDays: 5, text: 'sha-2222222' })

  for (const ageDays of [2, 45, 200])
    refs[`orphan:${ageDays}d`] = b.orphan({ ageDays, text: `orphan-${ageDays}` })
  return finish()
}
