/**
 * A registry that moves while a client works on it: CI pushes, re-tags and someone else's deletes, fired at
 * chosen moments of a run (after the last page of a version listing, between two list pages, on the Nth
 * DELETE). A hook runs inside the request it is tied to, so the moment is exact and a test is repeatable:
 * `before` hooks change the registry before the request is handled, `after` hooks once its effect is applied
 * and before the client reads the answer.
 *
 * What each move does follows the documents cited next to it; every move changes the shared state the way
 * the matching registry or REST request would (src/sim/registry/registryRoutes.ts, rest/packagesRoutes.ts).
 */
import { sha256Digest } from '../model/Manifest.js'
import { MediaTypes, isIndexMediaType } from '../model/MediaType.js'
import type { FixtureManifest } from './fixtures/types.js'
import type { Side, SimResponse } from './http.js'
import type { SimPackage, SimVersion } from './simPackage.js'
import type { SimState } from './state.js'

export type MoveTiming = 'before' | 'after'

export interface MoveHook {
  /** `before`: ahead of the request's own effect; `after`: once applied, before the answer leaves. */
  readonly timing: MoveTiming
  readonly side?: Side
  /** HTTP method, case-insensitive. */
  readonly method?: string
  /** RegExp tested against the raw path with query; a string matches as a substring. */
  readonly pathPattern?: RegExp | string
  /** Fire on the nth request that matches (1-based, counting only requests that pass every filter). Default 1. */
  readonly nth?: number
  /** Only a 200 answer without `rel="next"` in its `link` header: the last page of a listing (`after` only). */
  readonly lastPage?: boolean
  /** Only a 2xx answer (`after` only): e.g. a DELETE that took effect. */
  readonly succeeded?: boolean
  readonly move: (moves: RegistryMoves) => void
  /** Shown in `fired`. */
  readonly label?: string
}

export interface FiredMove {
  readonly label: string
  readonly method: string
  readonly path: string
  /** Simulated epoch ms. */
  readonly at: number
}

interface ActiveHook extends MoveHook {
  matched: number
  done: boolean
}

/** REST "list package versions" for any owner scope (https://docs.github.com/en/rest/packages/packages#list-package-versions-for-a-package-owned-by-an-organization). */
const LIST_VERSIONS = /\/packages\/container\/[^/?]+\/versions(?:\?|$)/
/** REST "delete a package version" (https://docs.github.com/en/rest/packages/packages#delete-package-version-for-an-organization). */
const DELETE_VERSION = /\/packages\/container\/[^/?]+\/versions\/\d+(?:\?|$)/

export class RegistryMoves {
  private hooks: ActiveHook[] = []
  /** Every move that ran, in order. */
  readonly fired: FiredMove[] = []

  constructor(
    readonly state: SimState,
    private readonly now: () => number
  ) {}

  add(hook: MoveHook): MoveHook {
    if (hook.nth !== undefined && !(Number.isInteger(hook.nth) && hook.nth >= 1)) {
      throw new Error(`move hook nth must be a whole number >= 1, got ${JSON.stringify(hook.nth)}`)
    }
    if ((hook.lastPage || hook.succeeded) && hook.timing !== 'after') {
      throw new Error('move hook: lastPage and succeeded look at the answer, so they need timing "after"')
    }
    const active: ActiveHook = { ...hook, matched: 0, done: false }
    this.hooks.push(active)
    return active
  }

  clear(): void {
    this.hooks = []
  }

  /** Hooks that have not fired yet. */
  get pending(): number {
    return this.hooks.filter(h => !h.done).length
  }

  /** After the last page of a version listing was computed, before the client reads it. */
  afterLastListPage(move: (m: RegistryMoves) => void, nth = 1): MoveHook {
    return this.add({
      timing: 'after',
      side: 'rest',
      method: 'GET',
      pathPattern: LIST_VERSIONS,
      lastPage: true,
      nth,
      move,
      label: `after last list page #${nth}`
    })
  }

  /** Between pages of a listing: after list page request number `page` (1-based) was computed. */
  afterListPage(page: number, move: (m: RegistryMoves) => void): MoveHook {
    return this.add({
      timing: 'after',
      side: 'rest',
      method: 'GET',
      pathPattern: LIST_VERSIONS,
      nth: page,
      move,
      label: `after list page request #${page}`
    })
  }

  /** On the nth version DELETE: `before` it is handled (between the previous delete and this one), or `after`. */
  onDelete(nth: number, timing: MoveTiming, move: (m: RegistryMoves) => void): MoveHook {
    return this.add({
      timing,
      side: 'rest',
      method: 'DELETE',
      pathPattern: DELETE_VERSION,
      nth,
      move,
      label: `${timing} version DELETE #${nth}`
    })
  }

  /** Called by the server core; runs the hooks this request triggers. */
  run(
    timing: MoveTiming,
    side: Side,
    method: string,
    pathWithQuery: string,
    res: SimResponse | undefined
  ): void {
    for (const h of this.hooks) {
      if (h.done || h.timing !== timing) continue
      if (h.side && h.side !== side) continue
      if (h.method && h.method.toUpperCase() !== method) continue
      if (h.pathPattern !== undefined) {
        const ok =
          typeof h.pathPattern === 'string'
            ? pathWithQuery.includes(h.pathPattern)
            : ((h.pathPattern.lastIndex = 0), h.pathPattern.test(pathWithQuery))
        if (!ok) continue
      }
      if (h.succeeded && !(res && res.status >= 200 && res.status < 300)) continue
      if (h.lastPage && !(res && res.status === 200 && !/rel="next"/.test(String(res.headers.link ?? ''))))
        continue
      h.matched++
      if (h.matched !== (h.nth ?? 1)) continue
      h.done = true
      this.fired.push({
        label: h.label ?? `${timing} ${method} ${pathWithQuery}`,
        method,
        path: pathWithQuery,
        at: this.now()
      })
      h.move(this)
    }
  }

  // ---- the moves ------------------------------------------------------------------------------------------

  /** The live package `owner/name`; a move on a package that is not there is a test bug. */
  package(owner: string, name: string): SimPackage {
    const pkg = this.state.packageOf(owner, name)
    if (!pkg || pkg.deletedAt !== undefined) throw new Error(`moves: no live package ${owner}/${name}`)
    return pkg
  }

  private version(pkg: SimPackage, reference: string): SimVersion {
    const v = pkg.resolve(reference)
    if (!v) throw new Error(`moves: ${pkg.repositoryPath} has no active manifest ${reference}`)
    return v
  }

  /**
   * Pushes manifests in the order given, each by its tags (or by digest when it has none), as `docker push`
   * does: one package version per new digest, a tag moves to the new manifest and the version that loses it
   * stays, untagged (https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-container-registry#pushing-container-images).
   * Like any OCI registry, an index is refused while a manifest it lists is absent (distribution-spec
   * "Pushing Manifests": MANIFEST_BLOB_UNKNOWN), so a multi-platform push calls this twice: the platform
   * images (and attestations) first — untagged for a while — then the index that lists them.
   */
  push(
    owner: string,
    name: string,
    manifests: readonly FixtureManifest[],
    blobs: ReadonlyMap<string, Buffer> = new Map()
  ): SimVersion[] {
    const pkg = this.package(owner, name)
    for (const [digest, bytes] of blobs) pkg.blobs.set(digest, bytes)
    const now = this.now()
    const out: SimVersion[] = []
    for (const m of manifests) {
      if (sha256Digest(m.bytes) !== m.digest) throw new Error(`moves: ${m.digest} does not hash to its bytes`)
      if (isIndexMediaType(m.mediaType)) {
        for (const child of childDigests(m.bytes)) {
          if (!pkg.resolve(child))
            throw new Error(`moves: index ${m.digest} lists ${child}, absent from ${pkg.repositoryPath}`)
        }
      }
      const v =
        pkg.resolve(m.digest) ??
        pkg.addVersion(this.state.allocateVersionId(), m.digest, m.bytes, m.mediaType, now)
      for (const tag of m.tags) pkg.setTag(tag, v, now)
      out.push(v)
    }
    return out
  }

  /**
   * `docker buildx imagetools create -t <tag> <source> <source> …` with two or more sources: a NEW index over
   * manifests already in the package, each listed with the descriptor its source index gave it (platform and
   * attestation annotations included), pushed under `tag`
   * (https://docs.docker.com/reference/cli/docker/buildx/imagetools/create/: "If multiple sources are
   * specified, a new manifest list or image index is created"; pushing a tag as in the GitHub doc above).
   */
  pushIndexOver(owner: string, name: string, tag: string, children: readonly string[]): SimVersion {
    if (children.length < 2) throw new Error('moves: imagetools builds a new index from two or more sources')
    const pkg = this.package(owner, name)
    const manifests = children.map(digest => {
      const v = this.version(pkg, digest)
      return descriptorOf(pkg, v)
    })
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests }))
    const [v] = this.push(owner, name, [
      {
        digest: sha256Digest(bytes),
        bytes,
        mediaType: MediaTypes.ociIndex,
        tags: [tag],
        createdAt: new Date(this.now()).toISOString(),
        updatedAt: new Date(this.now()).toISOString()
      }
    ])
    return v
  }

  /**
   * A re-tag: `docker buildx imagetools create -t <tag> <source>` with ONE source makes a carbon copy — the
   * same manifest, same digest — under a new tag (https://docs.docker.com/reference/cli/docker/buildx/imagetools/create/:
   * "If only one source is specified, create performs a carbon copy"). The source may be an index or a single
   * platform image; on GHCR the version gains the tag and its updated_at moves (GitHub doc above).
   */
  tag(owner: string, name: string, tag: string, reference: string): SimVersion {
    const pkg = this.package(owner, name)
    const v = this.version(pkg, reference)
    pkg.setTag(tag, v, this.now())
    return v
  }

  /**
   * Someone else's delete through the REST API (another cleanup, a person on the package page): the version
   * and its tags leave the registry, restorable for 30 days
   * (https://docs.github.com/en/rest/packages/packages#delete-package-version-for-an-organization). No
   * last-tagged-version check: a test moves the registry, it does not test GitHub's refusals.
   */
  delete(owner: string, name: string, reference: string): SimVersion {
    const pkg = this.package(owner, name)
    const v = this.version(pkg, reference)
    pkg.deleteVersion(v, this.now())
    return v
  }
}

function childDigests(bytes: Buffer): string[] {
  const doc = JSON.parse(bytes.toString('utf8')) as { manifests?: { digest?: unknown }[] }
  return (doc.manifests ?? []).map(d => d.digest).filter((d): d is string => typeof d === 'string')
}

/** The descriptor an index in the package already gives `v` (keeps platform and annotations), else a plain one. */
function descriptorOf(pkg: SimPackage, v: SimVersion): Record<string, unknown> {
  for (const other of pkg.versions('active')) {
    if (!isIndexMediaType(other.mediaType)) continue
    const doc = JSON.parse(other.bytes.toString('utf8')) as { manifests?: Record<string, unknown>[] }
    const found = doc.manifests?.find(d => d.digest === v.digest)
    if (found) return found
  }
  return { mediaType: v.mediaType, digest: v.digest, size: v.bytes.length }
}
