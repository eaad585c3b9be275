import type { SimOwner } from './state.js'

/** Who a GITHUB_TOKEN-like installation token is on a package ("Manage Actions access" role). */
export type ActionsAccess = 'none' | 'read' | 'write' | 'admin'

/**
 * One package version = one manifest digest (GHCR creates a version per pushed manifest; its REST `name` is
 * the digest and `metadata.container.tags` its tags —
 * https://docs.github.com/en/rest/packages/packages#get-a-package-version-for-an-organization).
 */
export interface SimVersion {
  readonly id: number
  readonly digest: string
  readonly mediaType: string
  readonly bytes: Buffer
  /** Current tags; empty once deleted (the registry no longer serves them). */
  tags: string[]
  createdAt: number
  updatedAt: number
  state: 'active' | 'deleted'
  deletedAt?: number
  /** Tags the version carried when deleted; restore gives back those not re-pushed meanwhile. */
  tagsAtDeletion?: string[]
  /** Registry GETs of this manifest (GHCR counts every pull as a download). */
  downloads: number
  /** The same digest was pushed again after deletion, as a new version: this one cannot be restored. */
  superseded?: boolean
}

/** Ascending-id insert position (versions are born with the highest id, so this is rarely used). */
function insertSorted(list: SimVersion[], v: SimVersion): void {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (list[mid].id < v.id) lo = mid + 1
    else hi = mid
  }
  list.splice(lo, 0, v)
}

function removeSorted(list: SimVersion[], v: SimVersion): void {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (list[mid].id < v.id) lo = mid + 1
    else hi = mid
  }
  if (list[lo] === v) list.splice(lo, 1)
}

/**
 * A container package: its versions (kept sorted by id so a page of "newest first" is a slice, O(page)
 * however many versions there are), its tag map (what the registry resolves), manifest bytes and blobs.
 */
export class SimPackage {
  visibility: 'public' | 'private'
  /** Role of the workflow repository's GITHUB_TOKEN on this package (default admin: it published it). */
  actionsAccess: ActionsAccess = 'admin'
  /** `owner/repo` of the linked repository, if any. */
  repository?: string
  createdAt: number
  updatedAt: number
  deletedAt?: number
  readonly byId = new Map<number, SimVersion>()
  /** Latest version for each digest (active or deleted). */
  readonly byDigest = new Map<string, SimVersion>()
  readonly tags = new Map<string, SimVersion>()
  readonly blobs = new Map<string, Buffer>()
  private readonly active: SimVersion[] = []
  private readonly deleted: SimVersion[] = []
  private taggedActive = 0
  private sortedTags?: string[]

  constructor(
    readonly id: number,
    readonly owner: SimOwner,
    readonly name: string,
    visibility: 'public' | 'private',
    now: number
  ) {
    this.visibility = visibility
    this.createdAt = now
    this.updatedAt = now
  }

  get activeCount(): number {
    return this.active.length
  }

  get deletedCount(): number {
    return this.deleted.length
  }

  /** Active versions with at least one tag. */
  get taggedActiveCount(): number {
    return this.taggedActive
  }

  /** Registry repository path: `owner/name` (lower case, as OCI names must be). */
  get repositoryPath(): string {
    return `${this.owner.login.toLowerCase()}/${this.name}`
  }

  /** Newest first (highest id first), `skip` rows skipped. */
  page(state: 'active' | 'deleted', skip: number, count: number): SimVersion[] {
    const list = state === 'active' ? this.active : this.deleted
    const out: SimVersion[] = []
    for (let i = list.length - 1 - skip; i >= 0 && out.length < count; i--) out.push(list[i])
    return out
  }

  versions(state: 'active' | 'deleted' = 'active'): readonly SimVersion[] {
    return state === 'active' ? this.active : this.deleted
  }

  /** Tag or digest → active version. */
  resolve(reference: string): SimVersion | undefined {
    if (reference.startsWith('sha256:')) {
      const v = this.byDigest.get(reference)
      return v?.state === 'active' ? v : undefined
    }
    return this.tags.get(reference)
  }

  addVersion(id: number, digest: string, bytes: Buffer, mediaType: string, createdAt: number): SimVersion {
    const previous = this.byDigest.get(digest)
    if (previous?.state === 'active') return previous
    if (previous) previous.superseded = true
    const v: SimVersion = {
      id,
      digest,
      bytes,
      mediaType,
      tags: [],
      createdAt,
      updatedAt: createdAt,
      state: 'active',
      downloads: 0
    }
    this.byId.set(id, v)
    this.byDigest.set(digest, v)
    insertSorted(this.active, v)
    this.updatedAt = Math.max(this.updatedAt, createdAt)
    return v
  }

  /**
   * Points `tag` at `v`. The version that loses the tag keeps its id and stays (untagged if it was its
   * last tag); the receiving version's updated_at moves — GHCR's behaviour on `docker push` of an existing
   * tag (https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-container-registry#pushing-container-images).
   */
  setTag(tag: string, v: SimVersion, now: number): void {
    const old = this.tags.get(tag)
    if (old === v) {
      v.updatedAt = Math.max(v.updatedAt, now)
      return
    }
    if (old) this.untag(old, tag)
    if (v.tags.length === 0 && v.state === 'active') this.taggedActive++
    v.tags.push(tag)
    v.updatedAt = Math.max(v.updatedAt, now)
    this.tags.set(tag, v)
    this.sortedTags = undefined
    this.updatedAt = Math.max(this.updatedAt, now)
  }

  private untag(v: SimVersion, tag: string): void {
    const i = v.tags.indexOf(tag)
    if (i >= 0) v.tags.splice(i, 1)
    if (v.tags.length === 0 && v.state === 'active') this.taggedActive--
    this.tags.delete(tag)
    this.sortedTags = undefined
  }

  /** Soft delete: the manifest and its tags leave the registry; restorable for 30 days. */
  deleteVersion(v: SimVersion, now: number): void {
    if (v.state !== 'active') return
    v.tagsAtDeletion = [...v.tags]
    for (const tag of v.tagsAtDeletion) this.untag(v, tag)
    v.state = 'deleted'
    v.deletedAt = now
    removeSorted(this.active, v)
    insertSorted(this.deleted, v)
  }

  /** Gives back the version and every tag nobody re-pushed in the meantime. */
  restoreVersion(v: SimVersion): void {
    if (v.state !== 'deleted') return
    v.state = 'active'
    v.deletedAt = undefined
    removeSorted(this.deleted, v)
    insertSorted(this.active, v)
    const tags = v.tagsAtDeletion ?? []
    v.tagsAtDeletion = undefined
    for (const tag of tags) {
      if (this.tags.has(tag)) continue
      if (v.tags.length === 0) this.taggedActive++
      v.tags.push(tag)
      this.tags.set(tag, v)
      this.sortedTags = undefined
    }
  }

  /** Tags in lexical order (the order `tags/list` pages through), cached until a tag moves. */
  sortedTagList(): string[] {
    if (!this.sortedTags) this.sortedTags = [...this.tags.keys()].sort()
    return this.sortedTags
  }
}
