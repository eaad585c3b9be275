import { randomBytes } from 'node:crypto'
import type { PackagesApi } from '../github/PackagesApi.js'
import type { Logger } from '../log/Logger.js'
import { sleep } from '../http/sleep.js'
import { sha256Digest } from '../model/Manifest.js'
import { MediaTypes } from '../model/MediaType.js'
import type { PackageRef } from '../model/PackageVersion.js'
import type { ManifestSource } from '../registry/ManifestSource.js'
import type { UntagResult } from './ExecutionResult.js'
import type { RequestBudget } from './RequestBudget.js'

/** One tag to take off a version that stays (it also carries kept tags). */
export interface UntagRequest {
  readonly versionId: number
  /** The version's digest: the tag must still point here, or it is left alone. */
  readonly digest: string
  readonly tag: string
}

export interface Placeholder {
  readonly bytes: Uint8Array
  readonly digest: string
  readonly mediaType: string
}

export const PLACEHOLDER_ANNOTATION = 'io.github.ghcr-retention.placeholder'

/**
 * A manifest whose only purpose is to take a tag over, so the version it displaced keeps its other tags and
 * the placeholder can then be deleted by its own digest. An empty OCI image index references nothing, so no
 * blob has to exist in the repository for the registry to accept it (an image manifest would need its config
 * blob uploaded first). The nonce makes every placeholder's digest unique: deleting "the version with this
 * digest" can then never hit a real image, even if someone pushes the same tag meanwhile.
 */
export function placeholderManifest(tag: string, nonce = randomBytes(16).toString('hex')): Placeholder {
  const body = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: [],
    annotations: {
      [PLACEHOLDER_ANNOTATION]: 'true',
      'io.github.ghcr-retention.removes-tag': tag,
      'io.github.ghcr-retention.nonce': nonce
    }
  }
  const bytes = new TextEncoder().encode(JSON.stringify(body))
  return { bytes, digest: sha256Digest(bytes), mediaType: MediaTypes.ociIndex }
}

export interface UntagDeps {
  readonly packages: PackagesApi
  readonly registry: ManifestSource
  readonly pkg: PackageRef
  /** Registry repository path (`owner/name`, lowercase). */
  readonly repository: string
  readonly budget: RequestBudget
  readonly signal?: AbortSignal
  readonly logger: Logger
  /** Version-list scans when a placeholder is not listed yet (GitHub's list lags the registry). Default 5. */
  readonly pollAttempts?: number
  /** Wait between scans; doubles each time. Default 2,000 ms. */
  readonly pollDelayMs?: number
  readonly nonce?: () => string
}

interface Pushed {
  readonly request: UntagRequest
  readonly placeholder: Placeholder
}

/**
 * Removes tags without touching the versions that keep other tags: push a placeholder to each tag, find the
 * version GitHub created for exactly the placeholder's digest, delete that version. A version is never looked
 * up by tag name: while the list lags the registry, "the version carrying the tag" is still the real image.
 */
export async function untag(requests: readonly UntagRequest[], deps: UntagDeps): Promise<UntagResult[]> {
  const results: UntagResult[] = []
  const fail = (r: UntagRequest, error: string, placeholderDigest?: string): void => {
    results.push({ versionId: r.versionId, tag: r.tag, ok: false, error, placeholderDigest })
    deps.logger.warning(`untag ${deps.pkg.name}:${r.tag} package_version=${r.versionId}: ${error}`)
  }

  // 1. Push placeholders. Each needs at least one list page and one delete afterwards.
  const pushed: Pushed[] = []
  for (const [i, r] of requests.entries()) {
    const stop = deps.signal?.aborted
      ? 'cancelled'
      : deps.budget.allows(2 * (pushed.length + 1))
        ? undefined
        : 'budget'
    if (stop !== undefined) {
      for (const rest of requests.slice(i))
        fail(
          rest,
          `not attempted (${stop === 'budget' ? (deps.budget.exhausted ?? 'request budget used up') : 'cancelled'})`
        )
      break
    }
    try {
      const current = await deps.registry.resolveTag(deps.repository, r.tag)
      if (current !== r.digest) {
        fail(r, `tag now points at ${current ?? 'nothing'}, not ${r.digest}: left alone`)
        continue
      }
      const placeholder = placeholderManifest(r.tag, deps.nonce?.())
      const reported = await deps.registry.putManifest(
        deps.repository,
        r.tag,
        placeholder.bytes,
        placeholder.mediaType
      )
      if (reported !== placeholder.digest) {
        fail(
          r,
          `registry stored the placeholder as ${reported}, expected ${placeholder.digest}: nothing deleted`
        )
        continue
      }
      pushed.push({ request: r, placeholder })
    } catch (error) {
      fail(r, `placeholder push failed: ${message(error)}`)
    }
  }
  if (pushed.length === 0) return results

  // 2. Find the versions GitHub created for the placeholders, by digest only.
  const ids = await findPlaceholderVersions(
    pushed.map(p => p.placeholder.digest),
    deps
  )

  // 3. Delete exactly those versions.
  for (const p of pushed) {
    const { request: r, placeholder } = p
    const id = ids.found.get(placeholder.digest)
    if (id === undefined) {
      fail(
        r,
        `placeholder ${placeholder.digest} is not listed by GitHub yet (${ids.stopped ?? 'list lag'}); ` +
          `the tag now points at the placeholder, a later run deletes it`,
        placeholder.digest
      )
      continue
    }
    if (deps.signal?.aborted || !deps.budget.tryAcquire()) {
      fail(
        r,
        `placeholder version ${id} not deleted (${deps.signal?.aborted ? 'cancelled' : deps.budget.exhausted})`,
        placeholder.digest
      )
      continue
    }
    try {
      const outcome = await deps.packages.deleteVersion(deps.pkg, id)
      if (outcome.kind === 'refused') {
        fail(
          r,
          `deleting placeholder version ${id} refused: ${outcome.status} ${outcome.message}`,
          placeholder.digest
        )
      } else {
        results.push({ versionId: r.versionId, tag: r.tag, placeholderDigest: placeholder.digest, ok: true })
        deps.logger.info(
          `untagged ${deps.pkg.name}:${r.tag} package_version=${r.versionId} placeholder=${placeholder.digest}`
        )
      }
    } catch (error) {
      fail(r, `deleting placeholder version ${id} failed: ${message(error)}`, placeholder.digest)
    } finally {
      deps.budget.release()
    }
  }
  return results
}

async function findPlaceholderVersions(
  digests: readonly string[],
  deps: UntagDeps
): Promise<{ found: Map<string, number>; stopped?: string }> {
  const wanted = new Set(digests)
  const found = new Map<string, number>()
  const attempts = Math.max(1, deps.pollAttempts ?? 5)
  let delay = deps.pollDelayMs ?? 2000
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) {
      await sleep(delay, deps.signal)
      delay *= 2
    }
    // Pages are pulled one at a time so the scan stops as soon as every placeholder is found (new versions
    // are listed first) and never crosses the budget.
    const iterator = deps.packages.listVersions(deps.pkg)[Symbol.asyncIterator]()
    try {
      for (;;) {
        if (deps.signal?.aborted) return { found, stopped: 'cancelled' }
        if (!deps.budget.tryAcquire()) return { found, stopped: deps.budget.exhausted }
        let page: IteratorResult<readonly { id: number; digest: string }[]>
        try {
          page = await iterator.next()
        } finally {
          deps.budget.release()
        }
        if (page.done) break
        for (const v of page.value) {
          if (wanted.has(v.digest)) found.set(v.digest, v.id)
        }
        if (found.size === wanted.size) return { found }
      }
    } catch (error) {
      return { found, stopped: `listing versions failed: ${message(error)}` }
    } finally {
      await iterator.return?.()
    }
  }
  return { found }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
