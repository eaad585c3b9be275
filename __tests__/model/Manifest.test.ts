import { describe, expect, it } from '@jest/globals'
import { parseManifest, sha256Digest, ManifestParseError, isArtifact } from '../../src/model/Manifest.js'
import { MediaTypes } from '../../src/model/MediaType.js'

const d = (c: string) => 'sha256:' + c.repeat(64)

describe('parseManifest', () => {
  it('takes the type from Content-Type first', () => {
    const body = JSON.stringify({
      schemaVersion: 2,
      manifests: [{ digest: d('a'), mediaType: MediaTypes.ociManifest }]
    })
    const m = parseManifest(body, MediaTypes.ociIndex + '; charset=utf-8', sha256Digest(body))
    expect(m.kind).toBe('index')
    expect(m.manifests.map(x => x.digest)).toEqual([d('a')])
  })
  it('falls back to the body mediaType, then to the shape (mediaType is optional in OCI)', () => {
    const list = JSON.stringify({ mediaType: MediaTypes.dockerList, manifests: [] })
    expect(parseManifest(list, 'application/octet-stream', 'x').mediaType).toBe(MediaTypes.dockerList)
    const shapeOnly = JSON.stringify({
      schemaVersion: 2,
      config: { digest: d('c') },
      layers: [{ digest: d('l') }]
    })
    const m = parseManifest(shapeOnly, undefined, 'x')
    expect(m.mediaType).toBe(MediaTypes.ociManifest)
    expect(m.layers).toHaveLength(1)
  })
  it('keeps only the descriptor fields a body has, and one object per platform', () => {
    const index = (variant?: string) =>
      JSON.stringify({
        mediaType: MediaTypes.ociIndex,
        manifests: [
          {
            digest: d('a'),
            mediaType: MediaTypes.ociManifest,
            size: 10,
            platform: { os: 'linux', architecture: 'arm64', ...(variant ? { variant } : {}) }
          },
          { digest: d('b'), annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }
        ]
      })
    const one = parseManifest(index('v8'), undefined, 'x')
    const two = parseManifest(index('v8'), undefined, 'y')
    expect(one.manifests[0]).toStrictEqual({
      digest: d('a'),
      mediaType: MediaTypes.ociManifest,
      size: 10,
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }
    })
    expect(one.manifests[1]).toStrictEqual({
      digest: d('b'),
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }
    })
    // Shared between manifests, and never changed by a reader.
    expect(two.manifests[0].platform).toBe(one.manifests[0].platform)
    expect(Object.isFrozen(one.manifests[0].platform)).toBe(true)
    expect(parseManifest(index(), undefined, 'z').manifests[0].platform).toStrictEqual({
      os: 'linux',
      architecture: 'arm64'
    })
  })
  it('reads subject and artifactType, and recognises artifacts', () => {
    const body = JSON.stringify({
      mediaType: MediaTypes.ociManifest,
      artifactType: 'application/vnd.example.sig',
      config: { digest: d('e'), mediaType: MediaTypes.ociEmpty },
      layers: [],
      subject: { digest: d('f'), mediaType: MediaTypes.ociManifest }
    })
    const m = parseManifest(body, undefined, 'x')
    expect(m.subject?.digest).toBe(d('f'))
    expect(isArtifact(m)).toBe(true)
  })
  it('rejects what it cannot reason about', () => {
    expect(() => parseManifest('not json', undefined, 'x')).toThrow(ManifestParseError)
    expect(() => parseManifest('{"foo":1}', undefined, 'x')).toThrow(ManifestParseError)
    expect(() => parseManifest(JSON.stringify({ mediaType: MediaTypes.ociIndex }), undefined, 'x')).toThrow(
      /manifests/
    )
  })
})
