import { describe, expect, it } from '@jest/globals'
import { parseManifest, sha256Digest } from '../../src/model/Manifest.js'
import { MediaTypes } from '../../src/model/MediaType.js'
import { RawManifestStore } from '../../src/registry/RawManifestStore.js'

function image(n: number, padding = 0): { bytes: Uint8Array; digest: string } {
  const body = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: `sha256:${'c'.repeat(64)}`,
      size: n
    },
    layers: [],
    annotations: { n: String(n), pad: 'x'.repeat(padding) }
  }
  const bytes = new TextEncoder().encode(JSON.stringify(body))
  return { bytes, digest: sha256Digest(bytes) }
}

describe('RawManifestStore', () => {
  it('gives back every manifest and its bytes as served, whatever their sizes', () => {
    const store = new RawManifestStore()
    const type = `${MediaTypes.ociManifest}; charset=utf-8`
    const all = [
      ...Array.from({ length: 3000 }, (_, i) => image(i)),
      image(-1, 600 * 1024),
      ...Array.from({ length: 10 }, (_, i) => image(5000 + i, 100_000))
    ]
    for (const { bytes, digest } of all) {
      const served = Uint8Array.from(bytes)
      store.add(parseManifest(served, type, digest), { digest, bytes: served, contentType: `${type}` })
      // The store keeps a copy: the caller's buffer may be reused.
      served.fill(0)
    }
    expect(store.size).toBe(all.length)
    for (const { bytes, digest } of all) {
      const raw = store.raw(digest)!
      expect(sha256Digest(raw.bytes)).toBe(digest)
      expect(Buffer.from(raw.bytes).equals(Buffer.from(bytes))).toBe(true)
      expect(raw.contentType).toBe(type)
      expect(store.manifest(digest)?.digest).toBe(digest)
    }
    expect([...store.raws()].map(r => r.digest)).toEqual(all.map(a => a.digest))
    expect(store.raw(`sha256:${'0'.repeat(64)}`)).toBeUndefined()
  })

  it('keeps a manifest without a content type without one', () => {
    const store = new RawManifestStore()
    const { bytes, digest } = image(1)
    store.add(parseManifest(bytes, undefined, digest), { digest, bytes })
    expect(store.raw(digest)).toEqual({ digest, bytes })
    expect('contentType' in store.raw(digest)!).toBe(false)
  })
})
