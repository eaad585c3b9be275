/**
 * A digest somebody wrote down in a file: `ghcr.io/acme/app@sha256:…` (or `…/app:1.2@sha256:…`, or a YAML
 * mapping with the image name and a separate `digest:` key). Whoever pinned it pulls exactly that manifest, so
 * deleting it breaks them even though no tag points at it any more (seed: dotnet-docker users pinning
 * `sdk:6.0.407@sha256:…` for reproducible builds).
 */
export interface PinnedReference {
  /** `sha256:<64 lowercase hex>`. */
  readonly digest: string
  /** Registry host as written (lowercase), e.g. `ghcr.io`. */
  readonly host: string
  /** Owner, lowercase (GitHub logins are case-insensitive; the registry path is lowercase). */
  readonly owner: string
  /** Package name as the Packages API names it, lowercase; may contain `/` (`app/tools`). */
  readonly packageName: string
  /** The tag written next to the digest, if any (ignored by pulls: the digest wins). */
  readonly tag?: string
  /** Where it was found: a path relative to the scanned root (`owner/repo:path` for another repository). */
  readonly file: string
  /** 1-based line of the digest. */
  readonly line: number
  /** The reference as it appears (for split YAML forms: `name@digest` rebuilt from the two keys). */
  readonly reference: string
}
