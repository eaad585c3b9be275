import pLimit from 'p-limit'
import { listAllVersions } from '../github/listAllVersions.js'
import type { PackagesApi } from '../github/PackagesApi.js'
import { silentLogger, type Logger } from '../log/Logger.js'
import { isIndexMediaType } from '../model/MediaType.js'
import type { Descriptor } from '../model/Manifest.js'
import type { PackageRef, PackageVersion } from '../model/PackageVersion.js'
import type { ManifestSource } from '../registry/ManifestSource.js'

export interface BrokenTag {
  readonly tag: string
  /** The digest the tag resolves to, when it resolves at all. */
  readonly digest?: string
  /** Manifests the tag needs that the registry does not serve. */
  readonly missing: readonly string[]
  readonly reason: string
}

export interface ValidationResult {
  readonly packageName: string
  readonly checkedTags: number
  readonly broken: readonly BrokenTag[]
  readonly restRequests: number
  readonly registryRequests: number
}

export interface ValidateDeps {
  readonly packages: PackagesApi
  readonly registry: ManifestSource
  /** Registry repository path (`owner/name`, lowercase). */
  readonly repository: string
  /** The package's versions, when the caller has a fresh list; otherwise they are listed. */
  readonly versions?: readonly PackageVersion[]
  /**
   * Digests this run deleted: a tag GitHub still lists on one of them is the list lagging behind the delete,
   * not a broken tag.
   */
  readonly deletedDigests?: ReadonlySet<string>
  readonly concurrency?: number
  readonly signal?: AbortSignal
  readonly logger?: Logger
}

/**
 * Checks that every tag of a package still pulls in full: the tag resolves, and every manifest its index
 * lists (platform images, attestations, nested indexes and their children) is served by the registry. Reads
 * only; existence is asked with HEAD, and only indexes are downloaded (to learn their children).
 */
export async function validatePackage(pkg: PackageRef, deps: ValidateDeps): Promise<ValidationResult> {
  const logger = deps.logger ?? silentLogger
  const restStart = deps.packages.requestCount
  const registryStart = deps.registry.requestCount
  const versions = deps.versions ?? (await listAllVersions(deps.packages, pkg))
  const tags: { tag: string; listed: string }[] = []
  for (const v of versions) for (const tag of v.tags) tags.push({ tag, listed: v.digest })
  tags.sort((a, b) => a.tag.localeCompare(b.tag))

  const exists = new Map<string, Promise<boolean>>()
  const present = (digest: string): Promise<boolean> => {
    let p = exists.get(digest)
    if (!p) {
      p = deps.registry.hasManifest(deps.repository, digest)
      exists.set(digest, p)
    }
    return p
  }

  /** Digests under `digest` (an existing manifest) that the registry does not serve. */
  const missingUnder = async (digest: string, path: Set<string>): Promise<string[]> => {
    const fact = await deps.registry.fetchManifest(deps.repository, digest)
    if (!fact.ok) throw new Error(`cannot read ${digest}: ${fact.reason}`)
    if (fact.manifest.kind !== 'index') return []
    const missing: string[] = []
    const next = new Set(path).add(digest)
    for (const child of fact.manifest.manifests) {
      if (next.has(child.digest)) continue // a crafted cycle: already being walked
      if (!(await present(child.digest))) {
        missing.push(child.digest)
        continue
      }
      if (mayHaveChildren(child)) missing.push(...(await missingUnder(child.digest, next)))
    }
    return missing
  }

  const limit = pLimit(Math.max(1, deps.concurrency ?? 8))
  const broken: BrokenTag[] = []
  let checked = 0
  await Promise.all(
    tags.map(({ tag, listed }) =>
      limit(async () => {
        if (deps.signal?.aborted) return
        checked++
        try {
          const digest = await deps.registry.resolveTag(deps.repository, tag)
          if (digest === undefined) {
            if (deps.deletedDigests?.has(listed)) return
            broken.push({
              tag,
              missing: [listed],
              reason: `GitHub lists the tag on ${listed}, the registry does not know it`
            })
            return
          }
          const missing = [...new Set(await missingUnder(digest, new Set()))]
          if (missing.length > 0) {
            broken.push({
              tag,
              digest,
              missing,
              reason: `${missing.length} manifest(s) it references are missing`
            })
          }
        } catch (error) {
          broken.push({ tag, missing: [], reason: error instanceof Error ? error.message : String(error) })
        }
      })
    )
  )
  broken.sort((a, b) => a.tag.localeCompare(b.tag))
  for (const b of broken) {
    logger.warning(
      `broken tag ${pkg.name}:${b.tag}${b.digest ? ` (${b.digest})` : ''}: ${b.reason}` +
        (b.missing.length > 0 ? `; missing ${b.missing.join(', ')}` : '')
    )
  }
  return {
    packageName: pkg.name,
    checkedTags: checked,
    broken,
    restRequests: deps.packages.requestCount - restStart,
    registryRequests: deps.registry.requestCount - registryStart
  }
}

/** An index child that may itself be an index (or says nothing about its type) must be opened. */
function mayHaveChildren(d: Descriptor): boolean {
  return d.mediaType === undefined || isIndexMediaType(d.mediaType)
}
