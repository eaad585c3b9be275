import type { Descriptor } from '../model/Manifest.js'
import type { PackageReport } from './RunReport.js'
import { resolveOutcomes } from './outcome.js'

export interface FreedBytes {
  /** Sum of the sizes of config and layer blobs referenced by a deleted image and by no surviving image read. */
  readonly bytes: number
  /** Distinct blobs counted in `bytes`. */
  readonly blobs: number
  /** Deleted versions whose manifest was read (only these can contribute). */
  readonly deletedRead: number
  readonly deleted: number
  /**
   * Surviving non-index versions whose manifest was not read this run. Their layers are unknown, so a blob
   * counted as freed might still be shared with one of them: when this is > 0 the figure is an upper bound.
   */
  readonly survivingUnread: number
}

const INDEX_TYPES = new Set(['oci-index', 'docker-manifest-list'])

function blobsOf(desc: readonly (Descriptor | undefined)[], into: Map<string, number>): void {
  for (const d of desc) if (d) into.set(d.digest, Math.max(into.get(d.digest) ?? 0, d.size ?? 0))
}

/**
 * Storage this run frees (or would free, in a dry run), from the manifests already fetched — no extra request
 * is made for it. A blob is freed only when every image that references it is deleted: blobs are shared
 * between images (base layers) and across packages, so the count is taken over the whole run. Versions that
 * still exist after the run (kept, refused, failed, deferred, held back) protect their blobs; versions that
 * were already gone neither protect nor count.
 */
export function freedBytes(packages: readonly PackageReport[], dryRun: boolean): FreedBytes {
  const candidate = new Map<string, number>()
  const protectedBlobs = new Map<string, number>()
  let deleted = 0
  let deletedRead = 0
  let survivingUnread = 0
  for (const pkg of packages) {
    const outcomes = resolveOutcomes(pkg, dryRun)
    for (const d of pkg.plan.decisions) {
      const outcome = outcomes.get(d.versionId)?.outcome ?? 'kept'
      if (outcome === 'gone') continue
      const fact = pkg.manifests?.get(d.digest)
      const manifest = fact && fact.ok ? fact.manifest : undefined
      if (outcome === 'deleted') {
        deleted++
        if (manifest) deletedRead++
        if (manifest?.kind === 'image') blobsOf([manifest.config, ...manifest.layers], candidate)
      } else if (manifest) {
        if (manifest.kind === 'image') blobsOf([manifest.config, ...manifest.layers], protectedBlobs)
      } else if (!INDEX_TYPES.has(d.mediaType)) {
        survivingUnread++
      }
    }
  }
  let bytes = 0
  let blobs = 0
  for (const [digest, size] of candidate) {
    if (protectedBlobs.has(digest)) continue
    bytes += size
    blobs++
  }
  return { bytes, blobs, deleted, deletedRead, survivingUnread }
}
