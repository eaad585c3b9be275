/**
 * The least number of requests a dry run of one package can make, as docs/benchmarks.md defines it, computed from the
 * fixture's own bytes (not from the planner, so the planner cannot grade itself):
 * - per run: the owner-type lookup, plus `GET /user` where it works (a classic PAT: 2);
 * - per package: ⌈V/100⌉ version-list pages, one `/v2/` challenge, one registry token (+1 per renewal);
 * - one manifest read for every digest whose body decides something: each tagged root except cosign-suffixed
 *   tags (their subject is in the name), each nested index, and each untagged version no index reaches (it
 *   may carry a `subject`). Platform images and attestations reached through an index need no read.
 */
import { isIndexMediaType } from '../../src/model/MediaType.js'
import type { FixturePackage } from '../../src/sim/fixtures/types.js'

const COSIGN_SUFFIXED = /^sha256-[0-9a-f]{64}\.(?:sig|att|sbom)$/

export interface Minimum {
  readonly ownerLookups: number
  readonly pages: number
  readonly challenges: number
  /** Bearer tokens for a registry phase of `registrySeconds` with the spec's 60-second default lifetime. */
  readonly tokens: number
  readonly reads: number
}

/** Digests an index lists, from its JSON (independent of src/model's parser). */
function listed(bytes: Buffer): string[] {
  const body = JSON.parse(bytes.toString('utf8')) as { manifests?: { digest?: unknown }[] }
  return (body.manifests ?? []).map(d => d.digest).filter((d): d is string => typeof d === 'string')
}

export function minimumRequests(pkg: FixturePackage, registrySeconds = 0): Minimum {
  const present = new Set(pkg.manifests.map(m => m.digest))
  const reached = new Set<string>()
  const indexes = new Set<string>()
  for (const m of pkg.manifests) {
    if (!isIndexMediaType(m.mediaType)) continue
    indexes.add(m.digest)
    for (const d of listed(m.bytes)) if (present.has(d)) reached.add(d)
  }
  let reads = 0
  for (const m of pkg.manifests) {
    const root = m.tags.some(t => !COSIGN_SUFFIXED.test(t))
    const nestedIndex = indexes.has(m.digest) && reached.has(m.digest)
    const unreachedUntagged = m.tags.length === 0 && !reached.has(m.digest)
    if (root || nestedIndex || unreachedUntagged) reads++
  }
  return {
    ownerLookups: 2,
    pages: Math.max(1, Math.ceil(pkg.manifests.length / 100)),
    challenges: 1,
    tokens: Math.max(1, Math.ceil(registrySeconds / 60)),
    reads
  }
}
