import { createHash } from 'node:crypto'
import { mkdir, open, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import type { Logger } from '../log/Logger.js'
import type { PackageRef } from '../model/PackageVersion.js'
import type { RawManifest } from '../registry/RegistryClient.js'
import type { PackageReport } from '../report/RunReport.js'
import {
  boundEntries,
  decodeCacheEntries,
  DEFAULT_CACHE_LIMITS,
  encodeCachePieces,
  type CacheEntry,
  type CacheLimits
} from './cacheFile.js'
import type { CacheStore } from './CacheStore.js'

/** The part of the registry client the cache feeds and reads (RegistryClient.prime / rawManifest). */
export interface PrimeTarget {
  prime(entries: Iterable<RawManifest>): number
  rawManifest(digest: string): RawManifest | undefined
}

export interface ManifestCacheOptions {
  readonly store: CacheStore
  readonly target: PrimeTarget
  /** Where the per-package cache files are restored to and saved from (stable across runs: RUNNER_TEMP). */
  readonly workDir: string
  /** Makes each save key unique: `<run id>-<attempt>` on a runner. */
  readonly runId: string
  readonly logger: Logger
  readonly now: () => number
  readonly limits?: CacheLimits
}

export interface CacheRestoreResult {
  /** The key restored, or undefined on a miss. */
  readonly key?: string
  /** Entries in the file. */
  readonly entries: number
  /** Entries the registry client accepted (bytes hash to their digest and parse). */
  readonly accepted: number
}

export interface CacheSaveResult {
  readonly saved: boolean
  readonly key?: string
  readonly entries: number
  /** Why nothing was saved. */
  readonly skipped?: string
}

const KEY_PREFIX = 'ghcr-retention-manifests-v1'

/** `ghcr-retention-manifests-v1-<owner>-<12 hex of the package>-`: one cache line per owner/package. */
export function cacheKeyPrefix(pkg: PackageRef): string {
  const owner = pkg.owner.toLowerCase()
  const hash = createHash('sha256').update(`${owner}/${pkg.name.toLowerCase()}`).digest('hex').slice(0, 12)
  return `${KEY_PREFIX}-${owner}-${hash}-`
}

/**
 * The cross-run manifest cache of one run. Before a package is planned, the newest saved file for it is restored
 * and handed to the registry client, which verifies every entry against its digest (a corrupt or foreign entry is
 * dropped and read from the registry instead). After the package is done, the manifests of its versions that
 * still exist are saved under a new key — unless nothing changed, so a quiet package does not churn the cache.
 * Failures of the store never fail the run: they cost reads, not safety.
 */
export class ManifestCache {
  private readonly restored = new Map<string, { digests: Map<string, number> }>()
  private readonly limits: CacheLimits

  constructor(private readonly options: ManifestCacheOptions) {
    this.limits = options.limits ?? DEFAULT_CACHE_LIMITS
  }

  get storeName(): string {
    return this.options.store.name
  }

  fileFor(pkg: PackageRef): string {
    return path.join(this.options.workDir, `${cacheKeyPrefix(pkg).slice(0, -1)}.json`)
  }

  async restore(pkg: PackageRef): Promise<CacheRestoreResult> {
    const { store, target, logger } = this.options
    const file = this.fileFor(pkg)
    const prefix = cacheKeyPrefix(pkg)
    const digests = new Map<string, number>()
    this.restored.set(pkg.name, { digests })
    let key: string | undefined
    try {
      await rm(file, { force: true })
      await mkdir(path.dirname(file), { recursive: true })
      key = await store.restore(file, `${prefix}${this.options.runId}`, [prefix])
    } catch (error) {
      logger.debug(`cache: restoring ${pkg.name} from the ${store.name} failed: ${(error as Error).message}`)
      return { entries: 0, accepted: 0 }
    }
    if (!key) {
      logger.info(`cache: no saved manifests for ${pkg.name} yet (${store.name}); reading from the registry`)
      return { entries: 0, accepted: 0 }
    }
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      logger.debug(`cache: ${key} restored but unreadable: ${(error as Error).message}`)
      return { key, entries: 0, accepted: 0 }
    }
    // Entry by entry: each is verified and kept by the client (or dropped) before the next is decoded.
    let entries = 0
    let accepted = 0
    let malformed = 0
    const decoded = decodeCacheEntries(text, e => {
      if (!e) {
        malformed++
        return
      }
      entries++
      accepted += target.prime([e])
      if (target.rawManifest(e.digest)) digests.set(e.digest, e.usedAt)
    })
    if (decoded.ignored)
      logger.warning(`cache: ${key} ignored: ${decoded.ignored}; reading from the registry`)
    const rejected = entries - accepted + malformed
    logger.info(
      `cache: ${accepted} manifest(s) for ${pkg.name} restored from ${key}` +
        (rejected > 0
          ? `; ${rejected} entr${rejected === 1 ? 'y' : 'ies'} failed verification and will be read again`
          : '')
    )
    return { key, entries, accepted }
  }

  /**
   * Saves the manifests of the package's versions that still exist: every version the plan saw, minus what this
   * run deleted. Manifests this run used are stamped now; the rest keep their time and age out first (LRU).
   */
  async save(pkg: PackageRef, report: PackageReport): Promise<CacheSaveResult> {
    const { store, target, logger } = this.options
    const now = this.options.now()
    const before = this.restored.get(pkg.name)?.digests ?? new Map<string, number>()
    const deleted = new Set((report.execution?.deletedVersions ?? []).map(d => d.digest))
    const used = new Set<string>()
    for (const [digest, fact] of report.manifests ?? []) if (fact.ok) used.add(digest)
    const entries: CacheEntry[] = []
    for (const d of report.plan.decisions) {
      if (deleted.has(d.digest)) continue
      const raw = target.rawManifest(d.digest)
      if (!raw) continue
      entries.push({ ...raw, usedAt: used.has(d.digest) ? now : (before.get(d.digest) ?? now) })
    }
    const bounded = boundEntries(entries, this.limits)
    if (bounded.length === before.size && bounded.every(e => before.has(e.digest))) {
      logger.debug(`cache: nothing new for ${pkg.name}; the saved manifests stay as they are`)
      return { saved: false, entries: bounded.length, skipped: 'unchanged' }
    }
    if (bounded.length === 0) return { saved: false, entries: 0, skipped: 'empty' }
    const key = `${cacheKeyPrefix(pkg)}${this.options.runId}`
    const file = this.fileFor(pkg)
    try {
      await mkdir(path.dirname(file), { recursive: true })
      await writeCacheFile(file, bounded)
      const saved = await store.save(file, key)
      if (saved) logger.info(`cache: ${bounded.length} manifest(s) for ${pkg.name} saved as ${key}`)
      return { saved, key, entries: bounded.length, ...(saved ? {} : { skipped: 'key exists' }) }
    } catch (error) {
      logger.warning(`cache: manifests for ${pkg.name} not saved: ${(error as Error).message}`)
      return { saved: false, entries: bounded.length, skipped: (error as Error).message }
    }
  }
}

/** Writes the cache file piece by piece (encodeCachePieces): the same bytes as one write of encodeCache. */
async function writeCacheFile(file: string, entries: readonly CacheEntry[]): Promise<void> {
  const handle = await open(file, 'w')
  try {
    for (const piece of encodeCachePieces(entries)) await handle.write(piece, null, 'utf8')
  } finally {
    await handle.close()
  }
}
