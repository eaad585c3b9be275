import { createHash } from 'node:crypto'
import { MediaTypes, isIndexMediaType } from './MediaType.js'

export interface Platform {
  readonly os: string
  readonly architecture: string
  readonly variant?: string
}

export interface Descriptor {
  readonly digest: string
  readonly mediaType?: string
  readonly size?: number
  readonly platform?: Platform
  readonly annotations?: Readonly<Record<string, string>>
  readonly artifactType?: string
}

/**
 * A parsed manifest. `kind` decides graph edges: only an `index` has children; any manifest may carry a
 * `subject` (it then describes that digest). Config and layers are blobs, never package versions.
 */
export interface Manifest {
  readonly digest: string
  /** Resolved media type: Content-Type, else the body's `mediaType`, else inferred from shape. */
  readonly mediaType: string
  readonly kind: 'index' | 'image' | 'schema1'
  readonly manifests: readonly Descriptor[]
  readonly subject?: Descriptor
  readonly artifactType?: string
  readonly config?: Descriptor
  readonly layers: readonly Descriptor[]
  readonly annotations?: Readonly<Record<string, string>>
  /** Size in bytes of the manifest body. */
  readonly size: number
}

export class ManifestParseError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ManifestParseError'
  }
}

export function sha256Digest(bytes: Uint8Array | string): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex')
}

const GENERIC_CONTENT_TYPES = new Set(['', 'application/json', 'application/octet-stream', 'text/plain'])

/**
 * Media types, artifact types and platform words repeat across every manifest of a package; each parsed body
 * would otherwise hold copies of its own (at 100,000 versions, 230,000 media type strings, about 13 MB).
 * The first few hundred distinct values are shared; anything past that (a registry sending odd types) is kept
 * as it came.
 */
const words = new Map<string, string>()
const MAX_WORDS = 512

function word(value: string): string {
  const known = words.get(value)
  if (known !== undefined) return known
  if (words.size < MAX_WORDS) words.set(value, value)
  return value
}

function optionalWord(value: unknown): string | undefined {
  return typeof value === 'string' ? word(value) : undefined
}

const platforms = new Map<string, Platform>()

/** Platforms are few: one frozen object each. */
function platformOf(os: string, architecture: string, variant: string | undefined): Platform {
  const key = `${os}\n${architecture}\n${variant ?? ''}`
  let p = platforms.get(key)
  if (p === undefined) {
    p = Object.freeze({
      os: word(os),
      architecture: word(architecture),
      ...(variant !== undefined ? { variant: word(variant) } : {})
    })
    if (platforms.size < MAX_WORDS) platforms.set(key, p)
  }
  return p
}

/** A descriptor with only the fields the body has (an absent field costs nothing per layer). */
function asDescriptor(value: unknown, where: string): Descriptor {
  if (typeof value !== 'object' || value === null) throw new ManifestParseError(`${where} is not an object`)
  const v = value as Record<string, unknown>
  if (typeof v.digest !== 'string') throw new ManifestParseError(`${where} has no digest`)
  const platform =
    typeof v.platform === 'object' && v.platform !== null
      ? (v.platform as Record<string, unknown>)
      : undefined
  const mediaType = optionalWord(v.mediaType)
  const artifactType = optionalWord(v.artifactType)
  return {
    digest: v.digest,
    ...(mediaType !== undefined ? { mediaType } : {}),
    ...(typeof v.size === 'number' ? { size: v.size } : {}),
    ...(artifactType !== undefined ? { artifactType } : {}),
    ...(isStringRecord(v.annotations) ? { annotations: v.annotations } : {}),
    ...(platform && typeof platform.os === 'string' && typeof platform.architecture === 'string'
      ? {
          platform: platformOf(
            platform.os,
            platform.architecture,
            typeof platform.variant === 'string' ? platform.variant : undefined
          )
        }
      : {})
  }
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && Object.values(v).every(x => typeof x === 'string')
}

/**
 * Parses manifest bytes. Pure: the caller has already verified the digest. Throws ManifestParseError for
 * anything that is not a manifest we can reason about (the planner then keeps the version as `unknown`).
 */
export function parseManifest(
  body: Uint8Array | string,
  contentType: string | undefined,
  digest: string
): Manifest {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new ManifestParseError('body is not JSON')
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ManifestParseError('body is not a JSON object')
  }
  const m = json as Record<string, unknown>
  const ct = (contentType ?? '').split(';')[0].trim().toLowerCase()
  let mediaType = word(
    !GENERIC_CONTENT_TYPES.has(ct) ? ct : typeof m.mediaType === 'string' ? m.mediaType : ''
  )
  if (!mediaType) {
    if (Array.isArray(m.manifests)) mediaType = MediaTypes.ociIndex
    else if (typeof m.config === 'object' && m.config !== null) mediaType = MediaTypes.ociManifest
    else if (Array.isArray(m.fsLayers)) mediaType = MediaTypes.dockerV1
    else throw new ManifestParseError('cannot tell the manifest type from Content-Type, mediaType or shape')
  }
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
  const subject = m.subject !== undefined ? asDescriptor(m.subject, 'subject') : undefined
  const annotations = isStringRecord(m.annotations) ? m.annotations : undefined
  const artifactType = optionalWord(m.artifactType)
  if (isIndexMediaType(mediaType)) {
    if (!Array.isArray(m.manifests)) throw new ManifestParseError('index has no manifests[]')
    return {
      digest,
      mediaType,
      kind: 'index',
      manifests: m.manifests.map((d, i) => asDescriptor(d, `manifests[${i}]`)),
      subject,
      artifactType,
      layers: [],
      annotations,
      size
    }
  }
  if (mediaType === MediaTypes.dockerV1 || mediaType === MediaTypes.dockerV1Signed) {
    return { digest, mediaType, kind: 'schema1', manifests: [], layers: [], size }
  }
  if (mediaType === MediaTypes.ociManifest || mediaType === MediaTypes.dockerV2) {
    if (typeof m.config !== 'object' || m.config === null)
      throw new ManifestParseError('manifest has no config')
    const layers = Array.isArray(m.layers) ? m.layers.map((d, i) => asDescriptor(d, `layers[${i}]`)) : []
    return {
      digest,
      mediaType,
      kind: 'image',
      manifests: [],
      subject,
      artifactType,
      config: asDescriptor(m.config, 'config'),
      layers,
      annotations,
      size
    }
  }
  throw new ManifestParseError(`unsupported manifest media type ${JSON.stringify(mediaType)}`)
}

/** True when an image manifest is an artifact (signature, SBOM, attestation) rather than a runnable image. */
export function isArtifact(m: Manifest): boolean {
  if (m.kind !== 'image') return false
  if (m.artifactType) return true
  const cfg = m.config?.mediaType
  return (
    cfg !== undefined &&
    cfg !== 'application/vnd.oci.image.config.v1+json' &&
    cfg !== 'application/vnd.docker.container.image.v1+json'
  )
}

export function formatPlatform(p: Platform | undefined): string | undefined {
  if (!p) return undefined
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/')
}
