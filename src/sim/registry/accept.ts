import { MediaTypes } from '../../model/MediaType.js'

/**
 * Content negotiation on manifest GET/HEAD. ghcr.io behaves like distribution's manifest handler
 * (registry/handlers/manifests.go): an OCI index (or OCI manifest, or Docker list) whose type is missing from
 * `Accept` is answered 404 MANIFEST_UNKNOWN — easy to mistake for a missing tag, so clients must send every
 * manifest type. Docker schema 2 is served whatever the Accept. (distribution rewrites a Docker manifest list
 * requested without its type to the linux/amd64 child; the simulator answers 404 instead, so a client that
 * forgets the type fails visibly rather than reading the wrong manifest.)
 */
export function acceptedTypes(accept: string | undefined): Set<string> {
  const out = new Set<string>()
  for (const part of (accept ?? '').split(',')) {
    const t = part.split(';')[0].trim().toLowerCase()
    if (t) out.add(t)
  }
  return out
}

/** Undefined when the stored type may be served; otherwise the MANIFEST_UNKNOWN message. */
export function refusal(mediaType: string, accept: string | undefined): string | undefined {
  const ok = acceptedTypes(accept)
  switch (mediaType) {
    case MediaTypes.ociIndex:
      return ok.has(mediaType) ? undefined : 'OCI index found, but accept header does not support OCI indexes'
    case MediaTypes.ociManifest:
      return ok.has(mediaType)
        ? undefined
        : 'OCI manifest found, but accept header does not support OCI manifests'
    case MediaTypes.dockerList:
      return ok.has(mediaType)
        ? undefined
        : 'manifest list found, but accept header does not support manifest lists'
    default:
      return undefined
  }
}
