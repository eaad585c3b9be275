import type { ManifestFact } from '../model/ManifestFact.js'

/** The narrow view of the OCI registry the rest of the action depends on (implemented by RegistryClient). */
export interface ManifestSource {
  /** GET by digest, verified (sha256 of the body == digest), cached per run; failures are facts, not throws. */
  fetchManifest(repository: string, digest: string): Promise<ManifestFact>
  /** HEAD a tag: its current digest, or undefined when the tag does not exist. */
  resolveTag(repository: string, tag: string): Promise<string | undefined>
  /** Every tag of the repository now (`GET /v2/<name>/tags/list`, all pages): the write barrier's view. */
  listTags(repository: string): Promise<string[]>
  /** HEAD a digest: whether the registry still serves it. */
  hasManifest(repository: string, digest: string): Promise<boolean>
  /** PUT a manifest under a tag (used to untag); returns the digest the registry reports. */
  putManifest(repository: string, tag: string, body: Uint8Array, mediaType: string): Promise<string>
  /** Registry requests sent so far (token requests included). */
  readonly requestCount: number
  /** Registry requests allowed in flight now, and the most so far (RegistryClient adapts it; fakes have none). */
  readonly concurrency?: { readonly current: number; readonly peak: number }
}
