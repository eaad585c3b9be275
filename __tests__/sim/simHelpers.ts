/** Hand-made fixtures and small HTTP helpers for the simulator's own tests (independent of the fixture builder). */
import { sha256Digest } from '../../src/model/Manifest.js'
import { MediaTypes } from '../../src/model/MediaType.js'
import type { FixtureManifest, FixturePackage } from '../../src/sim/fixtures/types.js'
import type { Simulator } from '../../src/sim/server.js'

export const ALL_MANIFEST_TYPES = [
  MediaTypes.ociIndex,
  MediaTypes.dockerList,
  MediaTypes.ociManifest,
  MediaTypes.dockerV2
].join(', ')

export interface Built {
  readonly digest: string
  readonly bytes: Buffer
  readonly mediaType: string
  readonly blobs: Map<string, Buffer>
}

export function blob(text: string): { digest: string; bytes: Buffer } {
  const bytes = Buffer.from(text)
  return { digest: sha256Digest(bytes), bytes }
}

/** An OCI (or Docker schema 2) image manifest with one config and one layer blob. */
export function image(text: string, mediaType: string = MediaTypes.ociManifest): Built {
  const config = blob(`{"config":"${text}"}`)
  const layer = blob(`layer ${text}`)
  const docker = mediaType === MediaTypes.dockerV2
  const body = {
    schemaVersion: 2,
    mediaType,
    config: {
      mediaType: docker
        ? 'application/vnd.docker.container.image.v1+json'
        : 'application/vnd.oci.image.config.v1+json',
      digest: config.digest,
      size: config.bytes.length
    },
    layers: [
      {
        mediaType: docker
          ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
          : 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: layer.digest,
        size: layer.bytes.length
      }
    ]
  }
  const bytes = Buffer.from(JSON.stringify(body))
  return {
    digest: sha256Digest(bytes),
    bytes,
    mediaType,
    blobs: new Map([
      [config.digest, config.bytes],
      [layer.digest, layer.bytes]
    ])
  }
}

export function index(children: readonly Built[], mediaType: string = MediaTypes.ociIndex): Built {
  const body = {
    schemaVersion: 2,
    mediaType,
    manifests: children.map((c, i) => ({
      mediaType: c.mediaType,
      digest: c.digest,
      size: c.bytes.length,
      platform: { os: 'linux', architecture: i === 0 ? 'amd64' : 'arm64' }
    }))
  }
  const bytes = Buffer.from(JSON.stringify(body))
  return { digest: sha256Digest(bytes), bytes, mediaType, blobs: new Map() }
}

export interface Entry {
  readonly m: Built
  readonly tags?: readonly string[]
  /** Minutes after 2024-01-01 (ids follow creation order). */
  readonly minute?: number
  readonly downloads?: number
}

export function fixture(
  owner: string,
  name: string,
  entries: readonly Entry[],
  visibility: 'public' | 'private' = 'private'
): FixturePackage {
  const blobs = new Map<string, Buffer>()
  const manifests: FixtureManifest[] = entries.map((e, i) => {
    for (const [d, b] of e.m.blobs) blobs.set(d, b)
    const at = new Date(Date.UTC(2024, 0, 1) + (e.minute ?? i) * 60_000).toISOString()
    return {
      digest: e.m.digest,
      bytes: e.m.bytes,
      mediaType: e.m.mediaType,
      tags: e.tags ?? [],
      createdAt: at,
      updatedAt: at,
      downloads: e.downloads
    }
  })
  return { owner, name, visibility, manifests, blobs }
}

/** `n` tagged single images `t0…t(n-1)` (oldest first). */
export function manyImages(
  owner: string,
  name: string,
  n: number,
  visibility: 'public' | 'private' = 'private'
): FixturePackage {
  const entries: Entry[] = []
  for (let i = 0; i < n; i++) entries.push({ m: image(`${name}-${i}`), tags: [`t${i}`], minute: i })
  return fixture(owner, name, entries, visibility)
}

export function rest(
  sim: Simulator,
  path: string,
  init: RequestInit & { token?: string } = {}
): Promise<Response> {
  const { token = sim.token, headers, ...rest } = init
  return fetch(`${sim.apiUrl}${path}`, {
    ...rest,
    headers: {
      accept: 'application/vnd.github+json',
      ...(token ? { authorization: `token ${token}` } : {}),
      ...headers
    }
  })
}

export async function registryToken(
  sim: Simulator,
  repo: string,
  actions = 'pull',
  token = sim.token
): Promise<string> {
  const basic = Buffer.from(`someone:${token}`).toString('base64')
  const res = await fetch(`${sim.registryUrl}/token?service=ghcr.io&scope=repository:${repo}:${actions}`, {
    headers: { authorization: `Basic ${basic}` }
  })
  if (res.status !== 200) throw new Error(`token ${res.status}`)
  return ((await res.json()) as { token: string }).token
}

export function registry(
  sim: Simulator,
  path: string,
  bearer: string | undefined,
  init: RequestInit = {}
): Promise<Response> {
  return fetch(`${sim.registryUrl}${path}`, {
    ...init,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(init.headers as Record<string, string>)
    }
  })
}

/** Parses an RFC 5988 `link` header into rel → URL. */
export function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim())
    if (m) out[m[2]] = m[1]
  }
  return out
}
