/**
 * In-memory stand-ins for the REST and registry clients, sharing one store so that what a delete removes the
 * registry stops serving. For unit tests of ordering and bookkeeping; the "done when" behaviour is proven
 * against the HTTP simulator in the integration tests.
 */
import type { DeleteOutcome, PackageInfo, PackagesApi, RateBudget } from '../../src/github/PackagesApi.js'
import { parseManifest, sha256Digest } from '../../src/model/Manifest.js'
import { MediaTypes, shortMediaType } from '../../src/model/MediaType.js'
import type { PackageRef, PackageVersion } from '../../src/model/PackageVersion.js'
import type { Action, Decision, Role } from '../../src/planner/Decision.js'
import type { ManifestFact } from '../../src/model/ManifestFact.js'
import type { Plan } from '../../src/planner/Plan.js'
import type { ManifestSource } from '../../src/registry/ManifestSource.js'
import type { ExecuteDeps } from '../../src/execute/Executor.js'
import { RequestBudget } from '../../src/execute/RequestBudget.js'

export interface StoredVersion {
  id: number
  digest: string
  tags: string[]
  bytes: Uint8Array
  mediaType: string
  state: 'active' | 'deleted'
  deletedAt?: number
}

export class FakeStore {
  readonly versions = new Map<number, StoredVersion>()
  readonly byDigest = new Map<string, StoredVersion>()
  private nextId = 100
  private n = 0

  /** `digest` overrides the body's hash: crafted manifests can name each other in a loop that way. */
  add(body: object, mediaType: string, tags: string[] = [], digest?: string): StoredVersion {
    const bytes = new TextEncoder().encode(JSON.stringify(body))
    digest ??= sha256Digest(bytes)
    const v: StoredVersion = { id: this.nextId++, digest, tags: [], bytes, mediaType, state: 'active' }
    this.versions.set(v.id, v)
    if (!this.byDigest.has(digest)) this.byDigest.set(digest, v)
    for (const t of tags) this.tag(t, v)
    return v
  }

  /** The same digest listed again under a new version id (a crafted or inconsistent listing). */
  duplicate(v: StoredVersion, tags: string[] = []): StoredVersion {
    const copy: StoredVersion = { ...v, id: this.nextId++, tags: [], state: 'active' }
    delete copy.deletedAt
    this.versions.set(copy.id, copy)
    for (const t of tags) this.tag(t, copy)
    return copy
  }

  /** An index under a chosen digest listing the given digests, present or not (loops need the digest first). */
  craftedIndex(digest: string, children: readonly string[], tags: string[] = []): StoredVersion {
    return this.add(
      {
        schemaVersion: 2,
        mediaType: MediaTypes.ociIndex,
        manifests: children.map(d => ({ mediaType: MediaTypes.ociIndex, digest: d, size: 1 }))
      },
      MediaTypes.ociIndex,
      tags,
      digest
    )
  }

  /** A listing of the digest that is still active: the registry serves a manifest while any listing remains. */
  live(digest: string): StoredVersion | undefined {
    const first = this.byDigest.get(digest)
    if (first?.state === 'active') return first
    for (const v of this.versions.values()) if (v.digest === digest && v.state === 'active') return v
    return undefined
  }

  image(tags: string[] = []): StoredVersion {
    const config = sha256Digest(`config-${this.n++}`)
    return this.add(
      {
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 2 },
        layers: []
      },
      MediaTypes.ociManifest,
      tags
    )
  }

  index(children: StoredVersion[], tags: string[] = [], extra: string[] = []): StoredVersion {
    return this.add(
      {
        schemaVersion: 2,
        mediaType: MediaTypes.ociIndex,
        manifests: [
          ...children.map(c => ({ mediaType: c.mediaType, digest: c.digest, size: c.bytes.byteLength })),
          ...extra.map(d => ({ mediaType: MediaTypes.ociManifest, digest: d, size: 1 }))
        ],
        annotations: { n: String(this.n++) }
      },
      MediaTypes.ociIndex,
      tags
    )
  }

  tag(tag: string, v: StoredVersion): void {
    for (const other of this.versions.values()) other.tags = other.tags.filter(t => t !== tag)
    v.tags.push(tag)
  }

  active(): StoredVersion[] {
    return [...this.versions.values()].filter(v => v.state === 'active')
  }

  resolve(tag: string): StoredVersion | undefined {
    return this.active().find(v => v.tags.includes(tag))
  }
}

export function toPackageVersion(v: StoredVersion): PackageVersion {
  return {
    id: v.id,
    digest: v.digest,
    tags: [...v.tags],
    createdAt: v.id * 1000,
    updatedAt: v.id * 1000,
    ...(v.deletedAt !== undefined ? { deletedAt: v.deletedAt } : {})
  }
}

export class FakePackages implements PackagesApi {
  requestCount = 0
  budget: RateBudget = {}
  readonly calls: string[] = []
  /** Delete answers by id, overriding the store's behaviour. */
  readonly answers = new Map<number, DeleteOutcome | Error>()
  /** Hook run before each delete resolves (to observe concurrency). */
  onDelete?: (id: number) => Promise<void> | void
  /** Pages a fresh version stays invisible to listings (GitHub's list lags the registry). */
  listLag = 0
  private readonly seenAt = new Map<number, number>()
  private listings = 0

  constructor(readonly store: FakeStore) {}

  async listPackages(): Promise<PackageInfo[]> {
    return []
  }

  async *listVersions(
    _pkg: PackageRef,
    state: 'active' | 'deleted' = 'active'
  ): AsyncIterable<PackageVersion[]> {
    this.listings++
    const all = [...this.store.versions.values()]
      .filter(v => v.state === state)
      .filter(v => {
        if (!this.seenAt.has(v.id)) this.seenAt.set(v.id, this.listings)
        return this.listings - this.seenAt.get(v.id)! >= this.listLag
      })
      .sort((a, b) => b.id - a.id)
    for (let i = 0; i < all.length || i === 0; i += 2) {
      this.requestCount++
      this.calls.push(`GET list ${state} page ${i / 2 + 1}`)
      yield all.slice(i, i + 2).map(toPackageVersion)
      if (all.length === 0) return
    }
  }

  async getVersion(_pkg: PackageRef, id: number): Promise<PackageVersion | undefined> {
    this.requestCount++
    const v = this.store.versions.get(id)
    return v ? toPackageVersion(v) : undefined
  }

  async deleteVersion(_pkg: PackageRef, id: number): Promise<DeleteOutcome> {
    this.requestCount++
    this.calls.push(`DELETE ${id}`)
    await this.onDelete?.(id)
    const answer = this.answers.get(id)
    if (answer instanceof Error) throw answer
    if (answer) return answer
    const v = this.store.versions.get(id)
    if (!v || v.state !== 'active') return { kind: 'gone' }
    v.state = 'deleted'
    v.deletedAt = Date.now()
    return { kind: 'deleted' }
  }

  async restoreVersion(_pkg: PackageRef, id: number): Promise<DeleteOutcome | { readonly kind: 'restored' }> {
    this.requestCount++
    this.calls.push(`RESTORE ${id}`)
    const answer = this.answers.get(id)
    if (answer instanceof Error) throw answer
    if (answer) return answer
    const v = this.store.versions.get(id)
    if (!v || v.state !== 'deleted') return { kind: 'refused', status: 404, message: 'not restorable' }
    v.state = 'active'
    return { kind: 'restored' }
  }
}

export class FakeRegistry implements ManifestSource {
  requestCount = 0
  readonly calls: string[] = []
  /** Tags whose HEAD throws. */
  readonly failingTags = new Set<string>()

  constructor(readonly store: FakeStore) {}

  async fetchManifest(_repo: string, digest: string): Promise<ManifestFact> {
    this.requestCount++
    const v = this.store.live(digest)
    if (!v) return { ok: false, reason: `no manifest ${digest}` }
    return { ok: true, manifest: parseManifest(v.bytes, v.mediaType, digest) }
  }

  async resolveTag(_repo: string, tag: string): Promise<string | undefined> {
    this.requestCount++
    this.calls.push(`HEAD ${tag}`)
    if (this.failingTags.has(tag)) throw new Error('registry unavailable')
    return this.store.resolve(tag)?.digest
  }

  async hasManifest(_repo: string, digest: string): Promise<boolean> {
    this.requestCount++
    return this.store.live(digest) !== undefined
  }

  /** One page: every tag of an active version. */
  async listTags(): Promise<string[]> {
    this.requestCount++
    this.calls.push('GET tags/list')
    return this.store.active().flatMap(v => v.tags)
  }

  async putManifest(_repo: string, tag: string, body: Uint8Array, mediaType: string): Promise<string> {
    this.requestCount++
    this.calls.push(`PUT ${tag}`)
    const json = JSON.parse(new TextDecoder().decode(body)) as object
    const v = this.store.add(json, mediaType)
    this.store.tag(tag, v)
    return v.digest
  }
}

/** Every manifest of the store, as the fetcher would hand them to the planner. */
export function manifestsOf(store: FakeStore): Map<string, ManifestFact> {
  const out = new Map<string, ManifestFact>()
  for (const v of store.versions.values()) {
    out.set(v.digest, { ok: true, manifest: parseManifest(v.bytes, v.mediaType, v.digest) })
  }
  return out
}

export function decision(
  v: StoredVersion,
  action: Action,
  extra: Partial<Decision> & { role?: Role } = {}
): Decision {
  return {
    versionId: v.id,
    digest: v.digest,
    action,
    rule: action === 'keep' ? 'keep-tags' : 'delete-tags',
    reason: `${action} (test)`,
    role: v.tags.length > 0 ? 'tagged-root' : 'orphan',
    mediaType: shortMediaType(v.mediaType),
    tags: [...v.tags],
    associatedTags: [...v.tags],
    time: v.id * 1000,
    ...extra
  }
}

/** A plan: `del` in the given (safe) order, everything else of the store kept. */
export function planOf(store: FakeStore, del: StoredVersion[], extra: Partial<Plan> = {}): Plan {
  const deleting = new Set(del.map(v => v.id))
  return {
    packageName: 'app',
    decisions: store.active().map(v => decision(v, deleting.has(v.id) ? 'delete' : 'keep')),
    deleteOrder: del.map(v => v.id),
    warnings: [],
    ...extra
  }
}

export const PKG: PackageRef = { owner: 'acme', name: 'app' }

/** A real run of package PKG over the store's fakes, with an unlimited budget; `extra` overrides any field. */
export function executeDeps(
  store: FakeStore,
  packages: FakePackages,
  extra: Partial<ExecuteDeps> = {}
): ExecuteDeps {
  return {
    packages,
    registry: new FakeRegistry(store),
    pkg: PKG,
    repository: 'acme/app',
    dryRun: false,
    budget: RequestBudget.create(packages),
    manifests: manifestsOf(store),
    ...extra
  }
}

export function memoryLogger(): {
  lines: string[]
  debug(m: string): void
  info(m: string): void
  warning(m: string): void
} {
  const lines: string[] = []
  return {
    lines,
    debug: m => lines.push(`debug ${m}`),
    info: m => lines.push(`info ${m}`),
    warning: m => lines.push(`warning ${m}`)
  }
}
