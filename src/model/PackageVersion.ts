/**
 * One row of GitHub's "list package versions" answer, reduced to what retention needs.
 * A container package version is exactly one manifest digest; its tags are mutable, the digest is not.
 */
export interface PackageVersion {
  /** REST id, used by delete/restore. */
  readonly id: number
  /** The manifest digest (`sha256:<hex>`), REST field `name`. */
  readonly digest: string
  /** `metadata.container.tags`; empty when untagged. */
  readonly tags: readonly string[]
  /** Epoch milliseconds of `created_at`. */
  readonly createdAt: number
  /** Epoch milliseconds of `updated_at` (moves when a tag is pushed to the version). */
  readonly updatedAt: number
  /** Epoch milliseconds of `deleted_at`; only on versions listed with `state=deleted`. */
  readonly deletedAt?: number
}

/** A package of an owner, as the planner and reports name it. */
export interface PackageRef {
  readonly owner: string
  /** REST package name, may contain `/` (e.g. `repo/sub`); never pre-encoded. */
  readonly name: string
}

export const DIGEST_RE = /^sha256:[0-9a-f]{64}$/
