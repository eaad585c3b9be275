import type { MediaTypeShort } from '../model/MediaType.js'

/** What a version is in the image graph (shared/DESIGN.md §3). */
export type Role =
  | 'tagged-root'
  | 'platform-image'
  | 'attestation'
  | 'signature'
  | 'sbom'
  | 'referrer'
  | 'orphan'
  | 'ghost-index'
  | 'partial-index'
  | 'unknown'
  /** A BuildKit registry cache (cache manifest shape, or a tag matching build-cache-tags). */
  | 'build-cache'

export type Action = 'keep' | 'delete'

/** Exactly one per package version. Everything a user needs to see why. */
export interface Decision {
  readonly versionId: number
  readonly digest: string
  readonly action: Action
  /** Short, stable id of the deciding rule (e.g. `keep-tags`, `keep-n-tagged`, `closure`, `unknown`). */
  readonly rule: string
  /** The reason in words, e.g. "child of kept tag v1.2 (index sha256:…)". */
  readonly reason: string
  readonly role: Role
  readonly mediaType: MediaTypeShort
  /** The version's own tags. */
  readonly tags: readonly string[]
  /** Every tag whose closure reaches this version (own tags included); empty = `<none>`. */
  readonly associatedTags: readonly string[]
  /** `os/arch[/variant]` from the parent descriptor, when known. */
  readonly platform?: string
  /** Digest of the index (or subject) this version belongs to, when it has one. */
  readonly parent?: string
  /** With `untag`: the tags to remove from a kept version (the version itself stays). */
  readonly untagTags?: readonly string[]
  /** Epoch ms of the time used for age (per `age-by`). */
  readonly time: number
}
