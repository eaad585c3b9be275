/**
 * The registry side, with ghcr.io's semantics on top of the OCI distribution spec
 * (https://github.com/opencontainers/distribution-spec/blob/main/spec.md): manifests by tag or digest with
 * Accept negotiation, pushes that create package versions, tag listing with `n`/`last`, no manifest
 * DELETE (405 — GHCR deletes go through the REST API), no referrers API (404).
 */
import { sha256Digest } from '../../model/Manifest.js'
import { MediaTypes, isIndexMediaType } from '../../model/MediaType.js'
import type { SimClock } from '../clock.js'
import {
  emptyResponse,
  header,
  jsonResponse,
  type Handler,
  type SimRequest,
  type SimResponse
} from '../http.js'
import type { SimPackage } from '../simPackage.js'
import type { SimState } from '../state.js'
import { refusal } from './accept.js'
import type { RegistryAuth } from './auth.js'
import type { BlobStore } from './blobStore.js'
import { registryError } from './errors.js'

export interface RegistryDeps {
  readonly state: SimState
  readonly auth: RegistryAuth
  readonly blobs: BlobStore
  readonly clock: SimClock
}

const API_VERSION = { 'docker-distribution-api-version': 'registry/2.0' }
/** OCI name grammar (distribution-spec "Pulling manifests"): lower-case path components. */
const NAME_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/
const MANIFEST_TYPES = new Set<string>([
  MediaTypes.ociIndex,
  MediaTypes.ociManifest,
  MediaTypes.dockerList,
  MediaTypes.dockerV2
])

const ROUTES: { re: RegExp; name: string }[] = [
  { re: /^\/v2\/(.+)\/manifests\/([^/]+)$/, name: 'manifests/{reference}' },
  { re: /^\/v2\/(.+)\/blobs\/uploads\/?$/, name: 'blobs/uploads/' },
  { re: /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, name: 'blobs/uploads/{uuid}' },
  { re: /^\/v2\/(.+)\/blobs\/([^/]+:[^/]+)$/, name: 'blobs/{digest}' },
  { re: /^\/v2\/(.+)\/tags\/list$/, name: 'tags/list' },
  { re: /^\/v2\/(.+)\/referrers\/([^/]+)$/, name: 'referrers/{digest}' }
]

export function registryHandler(deps: RegistryDeps): Handler {
  return async req => {
    const res = dispatch(deps, req)
    return { ...res, headers: { ...API_VERSION, ...res.headers } }
  }
}

function dispatch(deps: RegistryDeps, req: SimRequest): SimResponse {
  const path = req.rawPath
  if (path === '/token' && req.method === 'GET') {
    req.route = 'GET /token'
    return deps.auth.tokenEndpoint(req)
  }
  if (path === '/v2/' || path === '/v2') {
    req.route = `${req.method} /v2/`
    return deps.auth.check(req, undefined, 'pull') ?? jsonResponse(200, {})
  }
  for (const r of ROUTES) {
    const m = r.re.exec(path)
    if (!m) continue
    req.route = `${req.method} /v2/{name}/${r.name}`
    const repo = m[1]
    if (!NAME_RE.test(repo))
      return registryError(400, 'NAME_INVALID', 'invalid repository name', { name: repo })
    const write = req.method === 'PUT' || req.method === 'POST' || req.method === 'PATCH'
    const denied = deps.auth.check(req, repo, write ? 'push' : 'pull')
    if (denied) return denied
    switch (r.name) {
      case 'manifests/{reference}':
        if (req.method === 'GET' || req.method === 'HEAD') return getManifest(deps, req, repo, m[2])
        if (req.method === 'PUT') return putManifest(deps, req, repo, m[2])
        // "DELETE … → 405 UNSUPPORTED" on ghcr.io (containers/skopeo#1880): deletes go through the REST API.
        if (req.method === 'DELETE') return registryError(405, 'UNSUPPORTED', 'The operation is unsupported.')
        break
      case 'blobs/{digest}':
        if (req.method === 'GET' || req.method === 'HEAD') return getBlob(deps, repo, m[2])
        break
      case 'blobs/uploads/':
        if (req.method === 'POST') return startUpload(deps, req, repo)
        break
      case 'blobs/uploads/{uuid}':
        if (req.method === 'PATCH') return patchUpload(deps, req, repo, m[2])
        if (req.method === 'PUT') return finishUpload(deps, req, repo, m[2])
        break
      case 'tags/list':
        if (req.method === 'GET') return listTags(deps, req, repo)
        break
      case 'referrers/{digest}':
        // GHCR has no referrers API (actions/attest-build-provenance#71; NVIDIA/aicr#1957: 404
        // MANIFEST_UNKNOWN): clients fall back to the `sha256-<hex>` tag schema.
        return registryError(404, 'MANIFEST_UNKNOWN', 'manifest unknown')
    }
    return registryError(405, 'UNSUPPORTED', 'The operation is unsupported.')
  }
  req.route = 'unmatched'
  return registryError(404, 'NOT_FOUND', 'not found')
}

function nameUnknown(repo: string): SimResponse {
  return registryError(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name: repo })
}

function getManifest(deps: RegistryDeps, req: SimRequest, repo: string, reference: string): SimResponse {
  const pkg = deps.blobs.livePackage(repo)
  if (!pkg) return nameUnknown(repo)
  const v = pkg.resolve(reference)
  if (!v) return registryError(404, 'MANIFEST_UNKNOWN', 'manifest unknown', { tag: reference })
  const refused = refusal(v.mediaType, header(req, 'accept'))
  if (refused) return registryError(404, 'MANIFEST_UNKNOWN', refused)
  // Every manifest GET is a download on GHCR (the package page's count; HEAD is not a pull).
  if (req.method === 'GET') v.downloads++
  return {
    status: 200,
    headers: { 'content-type': v.mediaType, 'docker-content-digest': v.digest, etag: `"${v.digest}"` },
    body: v.bytes,
    manifest: true
  }
}

/** Digests a manifest needs present before it is accepted (distribution answers MANIFEST_BLOB_UNKNOWN). */
function missingReferences(
  pkg: SimPackage | undefined,
  deps: RegistryDeps,
  repo: string,
  mediaType: string,
  doc: Record<string, unknown>
): string[] {
  const missing: string[] = []
  const digestOf = (d: unknown): string | undefined =>
    typeof d === 'object' && d !== null && typeof (d as { digest?: unknown }).digest === 'string'
      ? (d as { digest: string }).digest
      : undefined
  if (isIndexMediaType(mediaType)) {
    for (const d of Array.isArray(doc.manifests) ? doc.manifests : []) {
      const digest = digestOf(d)
      if (digest && !pkg?.resolve(digest)) missing.push(digest)
    }
  } else {
    for (const d of [doc.config, ...(Array.isArray(doc.layers) ? doc.layers : [])]) {
      const digest = digestOf(d)
      if (digest && !deps.blobs.get(repo, digest)) missing.push(digest)
    }
  }
  return missing
}

function putManifest(deps: RegistryDeps, req: SimRequest, repo: string, reference: string): SimResponse {
  const { state, clock } = deps
  const byDigest = reference.startsWith('sha256:')
  if (!byDigest && !TAG_RE.test(reference))
    return registryError(400, 'TAG_INVALID', 'manifest tag did not match URI', { tag: reference })
  let doc: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(req.body.toString('utf8'))
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object')
    doc = parsed as Record<string, unknown>
  } catch {
    return registryError(400, 'MANIFEST_INVALID', 'manifest invalid', { reason: 'body is not a JSON object' })
  }
  const contentType = (header(req, 'content-type') ?? '').split(';')[0].trim()
  const mediaType = MANIFEST_TYPES.has(contentType)
    ? contentType
    : typeof doc.mediaType === 'string'
      ? doc.mediaType
      : ''
  if (!MANIFEST_TYPES.has(mediaType)) {
    return registryError(400, 'MANIFEST_INVALID', 'manifest invalid', {
      reason: `unsupported media type ${JSON.stringify(contentType)}`
    })
  }
  const digest = sha256Digest(req.body)
  if (byDigest && reference !== digest)
    return registryError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', {
      digest: reference
    })
  let pkg = deps.blobs.livePackage(repo)
  const missing = missingReferences(pkg, deps, repo, mediaType, doc)
  if (missing.length)
    return registryError(400, 'MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digest: missing[0] })
  const now = clock.now()
  if (!pkg) {
    const slash = repo.indexOf('/')
    const owner = state.owner(repo.slice(0, slash))
    if (!owner) return nameUnknown(repo)
    // GHCR creates a (private) package on the first push of a new name.
    pkg = state.createPackage(owner, repo.slice(slash + 1), 'private', now)
    deps.blobs.adopt(repo)
  }
  const existing = pkg.resolve(digest)
  // One package version per pushed manifest digest (what the REST API then lists).
  const v =
    existing ?? pkg.addVersion(state.allocateVersionId(), digest, Buffer.from(req.body), mediaType, now)
  if (!byDigest) pkg.setTag(reference, v, now)
  return emptyResponse(201, {
    location: `/v2/${repo}/manifests/${digest}`,
    'docker-content-digest': digest,
    'content-length': 0
  })
}

function getBlob(deps: RegistryDeps, repo: string, digest: string): SimResponse {
  const bytes = deps.blobs.get(repo, digest)
  if (!bytes) return registryError(404, 'BLOB_UNKNOWN', 'blob unknown to registry', { digest })
  return {
    status: 200,
    headers: { 'content-type': 'application/octet-stream', 'docker-content-digest': digest },
    body: bytes
  }
}

function uploadAccepted(repo: string, id: string, size: number): SimResponse {
  return emptyResponse(202, {
    location: `/v2/${repo}/blobs/uploads/${id}`,
    'docker-upload-uuid': id,
    range: `0-${Math.max(0, size - 1)}`,
    'content-length': 0
  })
}

function storeBlob(deps: RegistryDeps, repo: string, expected: string | null, bytes: Buffer): SimResponse {
  const digest = sha256Digest(bytes)
  if (expected === null || !DIGEST_RE.test(expected) || expected !== digest) {
    return registryError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', {
      digest: expected
    })
  }
  deps.blobs.put(repo, digest, bytes)
  return emptyResponse(201, {
    location: `/v2/${repo}/blobs/${digest}`,
    'docker-content-digest': digest,
    'content-length': 0
  })
}

/** POST …/blobs/uploads/: a session, or a monolithic upload when `digest` is given (distribution-spec "Pushing a blob monolithically"). */
function startUpload(deps: RegistryDeps, req: SimRequest, repo: string): SimResponse {
  const digest = req.query.get('digest')
  if (digest !== null) return storeBlob(deps, repo, digest, req.body)
  // Cross-repository mount is optional; answering with a plain session is the spec's fallback.
  const id = deps.blobs.startUpload(repo)
  return uploadAccepted(repo, id, 0)
}

function patchUpload(deps: RegistryDeps, req: SimRequest, repo: string, id: string): SimResponse {
  const size = deps.blobs.append(repo, id, req.body)
  if (size === undefined) return registryError(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry')
  return uploadAccepted(repo, id, size)
}

function finishUpload(deps: RegistryDeps, req: SimRequest, repo: string, id: string): SimResponse {
  if (deps.blobs.append(repo, id, req.body) === undefined) {
    return registryError(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry')
  }
  const bytes = deps.blobs.finishUpload(repo, id)!
  return storeBlob(deps, repo, req.query.get('digest'), bytes)
}

/** Tags in lexical order, `n` per page after `last`, `Link: <…>; rel="next"` while more remain (distribution-spec "Listing Tags"). */
function listTags(deps: RegistryDeps, req: SimRequest, repo: string): SimResponse {
  const pkg = deps.blobs.livePackage(repo)
  if (!pkg) return nameUnknown(repo)
  const all = pkg.sortedTagList()
  const last = req.query.get('last')
  let start = 0
  if (last !== null) {
    let lo = 0
    let hi = all.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (all[mid] <= last) lo = mid + 1
      else hi = mid
    }
    start = lo
  }
  const nRaw = req.query.get('n')
  const n = nRaw !== null && /^\d+$/.test(nRaw) ? Number(nRaw) : undefined
  const tags = n === undefined ? all.slice(start) : all.slice(start, start + n)
  const headers: Record<string, string> = {}
  if (n !== undefined && n > 0 && start + n < all.length) {
    headers.link = `</v2/${repo}/tags/list?n=${n}&last=${encodeURIComponent(tags[tags.length - 1])}>; rel="next"`
  }
  return jsonResponse(200, { name: repo, tags }, headers)
}
