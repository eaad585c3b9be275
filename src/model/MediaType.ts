/** Manifest media types this action understands, and the stable short names users see in logs. */
export const MediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerV2: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerV1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerV1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  ociEmpty: 'application/vnd.oci.empty.v1+json'
} as const

/** Every manifest type a registry may answer with; ghcr.io 404s an index unless its type is accepted. */
export const MANIFEST_ACCEPT = [
  MediaTypes.ociIndex,
  MediaTypes.dockerList,
  MediaTypes.ociManifest,
  MediaTypes.dockerV2,
  MediaTypes.dockerV1Signed,
  MediaTypes.dockerV1
].join(', ')

export type MediaTypeShort =
  | 'oci-index'
  | 'oci-manifest'
  | 'docker-manifest-list'
  | 'docker-manifest-v2'
  | 'docker-manifest-v1'
  | 'oci-artifact'
  | 'unknown'

export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === MediaTypes.ociIndex || mediaType === MediaTypes.dockerList
}

/**
 * Short name for a media type. An OCI manifest that declares an `artifactType` (or has a non-image config)
 * is shown as `oci-artifact` because users think of it as "a signature/SBOM", not "an image".
 */
export function shortMediaType(mediaType: string | undefined, isArtifact = false): MediaTypeShort {
  switch (mediaType) {
    case MediaTypes.ociIndex:
      return 'oci-index'
    case MediaTypes.ociManifest:
      return isArtifact ? 'oci-artifact' : 'oci-manifest'
    case MediaTypes.dockerList:
      return 'docker-manifest-list'
    case MediaTypes.dockerV2:
      return 'docker-manifest-v2'
    case MediaTypes.dockerV1:
    case MediaTypes.dockerV1Signed:
      return 'docker-manifest-v1'
    default:
      return 'unknown'
  }
}
