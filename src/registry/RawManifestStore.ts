import type { Manifest } from '../model/Manifest.js'
import type { RawManifest } from './RegistryClient.js'

/** One verified manifest: parsed, and where its bytes are in the store. */
export interface StoredManifest {
  readonly manifest: Manifest
  readonly slab: number
  readonly offset: number
  readonly length: number
  readonly contentType?: string
}

/** Bytes per shared buffer; a manifest larger than a quarter of this gets a buffer of its own. */
const SLAB_BYTES = 1024 * 1024
/** Distinct Content-Type values shared between entries (a registry sends a handful). */
const MAX_SHARED_TYPES = 64

/**
 * The verified manifests of a run by digest, with their bytes as served (for the cross-run cache and for
 * placeholders built from them). The bytes of small manifests are copied side by side into 1 MiB buffers
 * instead of one buffer each: a 100,000-version package has about 55,000 manifests of under a kilobyte, and
 * one buffer, view and record each was about 13 MB of objects on the JS heap besides the 37 MB of bytes
 * (issue 18, bounded memory). Content types are shared by value.
 */
export class RawManifestStore {
  private readonly entries = new Map<string, StoredManifest>()
  private readonly slabs: Uint8Array[] = []
  /** The slab small manifests go to, and the bytes used in it. */
  private current = -1
  private used = SLAB_BYTES
  private readonly types = new Map<string, string>()

  get size(): number {
    return this.entries.size
  }

  manifest(digest: string): Manifest | undefined {
    return this.entries.get(digest)?.manifest
  }

  /** Remembers a verified manifest; its bytes are copied (the caller's array may be reused or dropped). */
  add(manifest: Manifest, raw: RawManifest): void {
    const { bytes } = raw
    let slab: number
    let offset: number
    if (bytes.byteLength > SLAB_BYTES / 4) {
      slab = this.slabs.push(Uint8Array.from(bytes)) - 1
      offset = 0
    } else {
      if (this.used + bytes.byteLength > SLAB_BYTES) {
        this.current = this.slabs.push(new Uint8Array(SLAB_BYTES)) - 1
        this.used = 0
      }
      slab = this.current
      offset = this.used
      this.slabs[slab].set(bytes, offset)
      this.used += bytes.byteLength
    }
    const contentType = raw.contentType === undefined ? undefined : this.shared(raw.contentType)
    this.entries.set(raw.digest, {
      manifest,
      slab,
      offset,
      length: bytes.byteLength,
      ...(contentType !== undefined ? { contentType } : {})
    })
  }

  /** The bytes as served, as a view into the store: read them, never write to them. */
  raw(digest: string): RawManifest | undefined {
    const e = this.entries.get(digest)
    return e ? this.rawOf(digest, e) : undefined
  }

  *raws(): IterableIterator<RawManifest> {
    for (const [digest, e] of this.entries) yield this.rawOf(digest, e)
  }

  private rawOf(digest: string, e: StoredManifest): RawManifest {
    return {
      digest,
      bytes: this.slabs[e.slab].subarray(e.offset, e.offset + e.length),
      ...(e.contentType !== undefined ? { contentType: e.contentType } : {})
    }
  }

  private shared(type: string): string {
    const known = this.types.get(type)
    if (known !== undefined) return known
    if (this.types.size < MAX_SHARED_TYPES) this.types.set(type, type)
    return type
  }
}
