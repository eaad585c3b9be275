import type { Role } from './Decision.js'
import { EdgeKind, REF_TAG_KINDS, type ImageGraph } from './ImageGraph.js'

/** `sha256:` and the first 12 hex digits: enough to find the version, short enough to read. */
export function shortDigest(digest: string): string {
  return digest.length > 19 ? digest.slice(0, 19) + '…' : digest
}

export function describeTags(tags: readonly string[]): string {
  if (tags.length === 1) return `tag ${tags[0]}`
  const shown = tags.slice(0, 3).join(', ')
  return `tags ${shown}${tags.length > 3 ? ` (+${tags.length - 3} more)` : ''}`
}

const ROLE_WORD: Partial<Record<Role, string>> = {
  signature: 'signature',
  sbom: 'SBOM',
  attestation: 'attestation',
  referrer: 'referrer'
}

export function roleWord(role: Role): string {
  return ROLE_WORD[role] ?? 'manifest'
}

/**
 * How node `i` relates to the owner it was reached from, e.g. `child (linux/arm64)`, `attestation of
 * linux/amd64 image`, `cosign signature`, `SBOM (referrer)`.
 */
export function relation(g: ImageGraph, i: number, kind: number, role: Role): string {
  switch (kind) {
    case EdgeKind.attestation: {
      const target = g.attests[i]
      const p = target >= 0 ? g.platform[target] : undefined
      return p ? `attestation of ${p} image` : 'attestation manifest'
    }
    case EdgeKind.subject:
      return `${roleWord(role)} (referrer)`
    case EdgeKind.referrerTag: {
      const k = REF_TAG_KINDS[g.refTag[i]]
      return k === 'referrers-index'
        ? 'referrers index'
        : k === 'sbom'
          ? 'cosign SBOM'
          : `cosign ${k ?? 'referrer'}`
    }
    default: {
      if (role === 'signature' || role === 'sbom' || role === 'attestation' || role === 'referrer') {
        return `listed ${roleWord(role)}`
      }
      const p = g.platform[i]
      return p ? `child (${p})` : 'child'
    }
  }
}
