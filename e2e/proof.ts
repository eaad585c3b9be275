// What the suite asserts against the real registry, asked directly (no auth, no proxy, no simulator): does a
// tag still pull in full, is a digest gone, which tags exist.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { checkPullable, skopeoCopyAll } from '../src/sim/realRegistry.js'

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json'
])

export interface PullProof {
  readonly reference: string
  readonly ok: boolean
  /** `skopeo` (skopeo copy --all into a dir: layout) or `walk` (checkPullable, for nested indexes). */
  readonly by: 'skopeo' | 'walk'
  /** Digest the tag resolved to. */
  readonly digest?: string
  readonly problem?: string
}

/** At most this many skopeo processes at once across every caller: the suite runs scenarios side by side. */
const SKOPEO_SLOTS = 4
let skopeoBusy = 0
const skopeoWaiting: (() => void)[] = []

async function withSkopeoSlot<T>(work: () => Promise<T>): Promise<T> {
  if (skopeoBusy >= SKOPEO_SLOTS) await new Promise<void>(resolve => skopeoWaiting.push(resolve))
  else skopeoBusy++
  try {
    return await work()
  } finally {
    // Hand the slot straight to the next waiter (the count stays), or free it.
    const next = skopeoWaiting.shift()
    if (next) next()
    else skopeoBusy--
  }
}

export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>
): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await work(items[i])
      }
    })
  )
  return out
}

/** GET a manifest by tag or digest: status, digest header, and whether it is an index of indexes. */
export async function getManifest(
  registryUrl: string,
  repository: string,
  reference: string
): Promise<{ status: number; digest?: string; nested: boolean }> {
  const res = await fetch(`${registryUrl}/v2/${repository}/manifests/${reference}`, {
    headers: { accept: ACCEPT }
  })
  const text = await res.text()
  if (res.status !== 200) return { status: res.status, nested: false }
  const body = JSON.parse(text) as { manifests?: { mediaType?: string }[] }
  const nested = (body.manifests ?? []).some(d => INDEX_TYPES.has(d.mediaType ?? ''))
  return { status: 200, digest: res.headers.get('docker-content-digest') ?? undefined, nested }
}

/** Tags the registry holds for the repository (2.8.2: unsorted, unpaged; 404 once none is left). */
export async function tagsOf(registryUrl: string, repository: string): Promise<string[]> {
  const res = await fetch(`${registryUrl}/v2/${repository}/tags/list`)
  if (res.status === 404) {
    await res.arrayBuffer()
    return []
  }
  if (res.status !== 200) throw new Error(`tags/list ${repository}: ${res.status} ${await res.text()}`)
  const body = (await res.json()) as { tags?: string[] | null }
  return [...(body.tags ?? [])].sort()
}

/**
 * Proves `reference` pulls in full from the real registry: `skopeo copy --all docker://… dir:…` (every index
 * child, attestation manifests included, and every blob), or — for an index of indexes, which skopeo 1.9
 * refuses — a walk of everything it reaches.
 */
export async function provePulls(
  registryUrl: string,
  repository: string,
  reference: string
): Promise<PullProof> {
  const head = await getManifest(registryUrl, repository, reference)
  if (head.status !== 200) return { reference, ok: false, by: 'skopeo', problem: `manifest ${head.status}` }
  if (head.nested) {
    const walk = await checkPullable(registryUrl, repository, reference)
    return {
      reference,
      ok: walk.ok,
      by: 'walk',
      digest: head.digest,
      ...(walk.ok ? {} : { problem: walk.problems.join('; ') })
    }
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'e2e-copy-'))
  try {
    const copy = await withSkopeoSlot(() =>
      skopeoCopyAll(registryUrl, `${repository}:${reference}`, path.join(dir, 'image'))
    )
    return {
      reference,
      ok: copy.ok,
      by: 'skopeo',
      digest: head.digest,
      ...(copy.ok ? {} : { problem: copy.output })
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Status of GET manifest by digest for each digest (200 present, 404 gone). */
export async function digestStatuses(
  registryUrl: string,
  repository: string,
  digests: readonly string[]
): Promise<Map<string, number>> {
  const statuses = await inParallel(digests, 8, d => getManifest(registryUrl, repository, d))
  return new Map(digests.map((d, i) => [d, statuses[i].status]))
}
