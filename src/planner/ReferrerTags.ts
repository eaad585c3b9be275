/**
 * Tags that name another digest instead of naming an image: cosign's `sha256-<hex>.sig|.att|.sbom` (each a
 * manifest describing the image `sha256:<hex>`) and the OCI referrers fallback tag `sha256-<hex>` (an index
 * listing that digest's referrers; GHCR has no referrers API, so tools keep this tag). Such a tag never makes
 * its version a tagged root: the version belongs to the digest in its name.
 */
export type ReferrerTagKind = 'signature' | 'attestation' | 'sbom' | 'referrers-index'

export interface ReferrerTag {
  readonly kind: ReferrerTagKind
  /** The digest the tag is about, `sha256:<hex>`. */
  readonly subject: string
}

const REFERRER_TAG = /^sha256-([0-9a-f]{64})(\.sig|\.att|\.sbom)?$/

const SUFFIX_KIND: Readonly<Record<string, ReferrerTagKind>> = {
  '.sig': 'signature',
  '.att': 'attestation',
  '.sbom': 'sbom'
}

export function parseReferrerTag(tag: string): ReferrerTag | undefined {
  // Cheap prefix test first: this runs for every tag of every version.
  if (tag.length < 71 || !tag.startsWith('sha256-')) return undefined
  const m = REFERRER_TAG.exec(tag)
  if (!m) return undefined
  return { kind: m[2] ? SUFFIX_KIND[m[2]] : 'referrers-index', subject: 'sha256:' + m[1] }
}
