import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sha256Digest } from '../../src/model/Manifest.js'
import { MediaTypes } from '../../src/model/MediaType.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'
import {
  ALL_MANIFEST_TYPES,
  blob,
  fixture,
  image,
  index,
  registry,
  registryToken,
  rest
} from './simHelpers.js'

let sim: Simulator
const amd = image('amd')
const arm = image('arm')
const multi = index([amd, arm])
const dockerImage = image('docker', MediaTypes.dockerV2)
const dockerList = index([dockerImage], MediaTypes.dockerList)

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, rateLimits: false, tokenTtlSeconds: 300 })
  sim.addOwner('acme', 'Organization')
  sim.loadPackage(
    fixture('acme', 'app/sub', [
      { m: amd },
      { m: arm },
      { m: multi, tags: ['multi', 'latest'] },
      { m: dockerImage, tags: ['docker'] },
      { m: dockerList, tags: ['list'] }
    ])
  )
  sim.loadPackage(fixture('acme', 'other', [{ m: image('o'), tags: ['x'] }]))
})
afterAll(() => sim.close())

describe('token dance', () => {
  it('challenges /v2/ with the generic scope and a nested repository with its own', async () => {
    const root = await registry(sim, '/v2/', undefined)
    expect(root.status).toBe(401)
    expect(root.headers.get('www-authenticate')).toBe(
      `Bearer realm="${sim.registryUrl}/token",service="ghcr.io",scope="repository:user/image:pull"`
    )
    const res = await registry(sim, '/v2/acme/app/sub/manifests/latest', undefined)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('scope="repository:acme/app/sub:pull"')
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0].code).toBe('UNAUTHORIZED')
  })

  it('exchanges Basic user:PAT for a bearer token (no expires_in), refuses a Bearer PAT', async () => {
    const basic = Buffer.from(`me:${sim.token}`).toString('base64')
    const res = await fetch(`${sim.registryUrl}/token?service=ghcr.io&scope=repository:acme/app/sub:pull`, {
      headers: { authorization: `Basic ${basic}` }
    })
    const body = (await res.json()) as { token: string; expires_in?: number }
    expect(res.status).toBe(200)
    expect(body.expires_in).toBeUndefined()
    expect((await registry(sim, '/v2/', body.token)).status).toBe(200)
    const asBearer = await fetch(`${sim.registryUrl}/token?scope=repository:acme/app/sub:pull`, {
      headers: { authorization: `Bearer ${sim.token}` }
    })
    expect(asBearer.status).toBe(401)
  })

  it('scopes a token to its repository and action', async () => {
    const forSub = await registryToken(sim, 'acme/app/sub')
    const ok = await registry(sim, '/v2/acme/app/sub/tags/list', forSub)
    expect(ok.status).toBe(200)
    const wrong = await registry(sim, '/v2/acme/other/tags/list', forSub)
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('www-authenticate')).toContain('scope="repository:acme/other:pull"')
    const put = await registry(sim, '/v2/acme/app/sub/manifests/new', forSub, {
      method: 'PUT',
      body: amd.bytes,
      headers: { 'content-type': amd.mediaType }
    })
    expect(put.status).toBe(401)
    expect(put.headers.get('www-authenticate')).toContain('scope="repository:acme/app/sub:pull,push"')
  })

  it('expires bearer tokens after tokenTtlSeconds of simulated time', async () => {
    const bearer = await registryToken(sim, 'acme/other')
    expect((await registry(sim, '/v2/acme/other/tags/list', bearer)).status).toBe(200)
    sim.clock.advance(301_000)
    const res = await registry(sim, '/v2/acme/other/tags/list', bearer)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('repository:acme/other:pull')
  })

  it('grants anonymous pulls of public packages only, and includes expires_in when asked', async () => {
    sim.loadPackage(fixture('acme', 'open', [{ m: image('pub'), tags: ['v1'] }], 'public'))
    const anon = (await (await fetch(`${sim.registryUrl}/token?scope=repository:acme/open:pull`)).json()) as {
      token: string
    }
    expect((await registry(sim, '/v2/acme/open/tags/list', anon.token)).status).toBe(200)
    const priv = (await (
      await fetch(`${sim.registryUrl}/token?scope=repository:acme/other:pull`)
    ).json()) as { token: string }
    expect((await registry(sim, '/v2/acme/other/tags/list', priv.token)).status).toBe(401)
    const s = await startSimulator({ tokenExpiresIn: true, tokenTtlSeconds: 60 })
    try {
      const res = await fetch(`${s.registryUrl}/token?scope=repository:x/y:pull`)
      expect(((await res.json()) as { expires_in: number }).expires_in).toBe(60)
    } finally {
      await s.close()
    }
  })
})

describe('manifests', () => {
  let bearer: string
  beforeAll(async () => {
    bearer = await registryToken(sim, 'acme/app/sub')
  })
  const get = (ref: string, accept?: string, method = 'GET') =>
    registry(sim, `/v2/acme/app/sub/manifests/${ref}`, bearer, { method, headers: accept ? { accept } : {} })

  it('serves a tag with Content-Type, Docker-Content-Digest and Content-Length', async () => {
    const res = await get('multi', ALL_MANIFEST_TYPES)
    expect(res.status).toBe(200)
    const bytes = Buffer.from(await res.arrayBuffer())
    expect(bytes.equals(multi.bytes)).toBe(true)
    expect(res.headers.get('content-type')).toBe(MediaTypes.ociIndex)
    expect(res.headers.get('docker-content-digest')).toBe(multi.digest)
    expect(res.headers.get('content-length')).toBe(String(multi.bytes.length))
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0')
  })

  it('answers HEAD with headers only, by digest too', async () => {
    const res = await get(amd.digest, ALL_MANIFEST_TYPES, 'HEAD')
    expect(res.status).toBe(200)
    expect(res.headers.get('docker-content-digest')).toBe(amd.digest)
    expect(res.headers.get('content-length')).toBe(String(amd.bytes.length))
    expect((await res.arrayBuffer()).byteLength).toBe(0)
  })

  it('404s an OCI index when Accept lacks the index type, like ghcr.io', async () => {
    const res = await get('multi', `${MediaTypes.ociManifest}, ${MediaTypes.dockerV2}`)
    expect(res.status).toBe(404)
    const err = ((await res.json()) as { errors: { code: string; message: string }[] }).errors[0]
    expect(err).toEqual({
      code: 'MANIFEST_UNKNOWN',
      message: 'OCI index found, but accept header does not support OCI indexes'
    })
    expect((await get(amd.digest, MediaTypes.dockerV2)).status).toBe(404)
    expect((await get('list', MediaTypes.ociIndex)).status).toBe(404)
    expect((await get('list', MediaTypes.dockerList)).status).toBe(200)
    expect((await get('docker')).status).toBe(200)
  })

  it('404s unknown tags and digests', async () => {
    const res = await get('nope', ALL_MANIFEST_TYPES)
    expect(res.status).toBe(404)
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0].code).toBe('MANIFEST_UNKNOWN')
    expect((await get(sha256Digest('x'), ALL_MANIFEST_TYPES)).status).toBe(404)
  })

  it('counts each GET (not HEAD) as a download', async () => {
    const v = sim.state.packageOf('acme', 'app/sub')!.resolve(arm.digest)!
    const before = v.downloads
    await get(arm.digest, ALL_MANIFEST_TYPES)
    await get(arm.digest, ALL_MANIFEST_TYPES)
    await get(arm.digest, ALL_MANIFEST_TYPES, 'HEAD')
    expect(v.downloads).toBe(before + 2)
  })

  it('refuses DELETE with 405 UNSUPPORTED and has no referrers API', async () => {
    const del = await get(amd.digest, undefined, 'DELETE')
    expect(del.status).toBe(405)
    expect(((await del.json()) as { errors: { code: string }[] }).errors[0].code).toBe('UNSUPPORTED')
    const ref = await registry(sim, `/v2/acme/app/sub/referrers/${amd.digest}`, bearer)
    expect(ref.status).toBe(404)
  })

  it('pages tags/list with n and last and a Link header', async () => {
    const first = await registry(sim, '/v2/acme/app/sub/tags/list?n=2', bearer)
    const body = (await first.json()) as { name: string; tags: string[] }
    expect(body).toEqual({ name: 'acme/app/sub', tags: ['docker', 'latest'] })
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')![1]
    const second = (await (await registry(sim, next, bearer)).json()) as { tags: string[] }
    expect(second.tags).toEqual(['list', 'multi'])
    const all = (await (await registry(sim, '/v2/acme/app/sub/tags/list', bearer)).json()) as {
      tags: string[]
    }
    expect(all.tags).toEqual(['docker', 'latest', 'list', 'multi'])
  })
})

describe('pushes', () => {
  it('uploads blobs, pushes a manifest by tag: a new version takes the tag, the old one keeps its id', async () => {
    const push = await registryToken(sim, 'acme/app/sub', 'pull,push')
    const next = image('next')
    for (const [digest, bytes] of next.blobs) {
      const post = await registry(sim, '/v2/acme/app/sub/blobs/uploads/', push, { method: 'POST' })
      expect(post.status).toBe(202)
      const loc = new URL(post.headers.get('location')!, sim.registryUrl)
      loc.searchParams.set('digest', digest)
      const put = await registry(sim, loc.pathname + loc.search, push, { method: 'PUT', body: bytes })
      expect(put.status).toBe(201)
      const head = await registry(sim, `/v2/acme/app/sub/blobs/${digest}`, push, { method: 'HEAD' })
      expect(head.status).toBe(200)
    }
    const pkg = sim.state.packageOf('acme', 'app/sub')!
    const oldLatest = pkg.resolve('latest')!
    const count = pkg.activeCount
    const res = await registry(sim, '/v2/acme/app/sub/manifests/latest', push, {
      method: 'PUT',
      body: next.bytes,
      headers: { 'content-type': next.mediaType }
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('docker-content-digest')).toBe(next.digest)
    expect(pkg.activeCount).toBe(count + 1)
    const versions = (await (await rest(sim, '/orgs/acme/packages/container/app%2Fsub/versions')).json()) as {
      id: number
      name: string
      metadata: { container: { tags: string[] } }
    }[]
    expect(versions[0].name).toBe(next.digest)
    expect(versions[0].metadata.container.tags).toEqual(['latest'])
    expect(versions.find(v => v.id === oldLatest.id)!.metadata.container.tags).toEqual(['multi'])
  })

  it('pushing a known digest under a new tag adds the tag and moves updated_at, no new version', async () => {
    const push = await registryToken(sim, 'acme/app/sub', 'pull,push')
    const pkg = sim.state.packageOf('acme', 'app/sub')!
    const v = pkg.resolve(amd.digest)!
    const count = pkg.activeCount
    const before = v.updatedAt
    sim.clock.advance(60_000)
    const res = await registry(sim, '/v2/acme/app/sub/manifests/amd-only', push, {
      method: 'PUT',
      body: amd.bytes,
      headers: { 'content-type': amd.mediaType }
    })
    expect(res.status).toBe(201)
    expect(pkg.activeCount).toBe(count)
    expect(v.tags).toEqual(['amd-only'])
    expect(v.updatedAt).toBeGreaterThan(before)
  })

  it('refuses a manifest whose blobs or children are missing, or whose digest does not match', async () => {
    const push = await registryToken(sim, 'acme/app/sub', 'pull,push')
    const lonely = image('lonely')
    const res = await registry(sim, '/v2/acme/app/sub/manifests/lonely', push, {
      method: 'PUT',
      body: lonely.bytes,
      headers: { 'content-type': lonely.mediaType }
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0].code).toBe(
      'MANIFEST_BLOB_UNKNOWN'
    )
    const orphanIndex = index([image('ghost-child')])
    const idx = await registry(sim, '/v2/acme/app/sub/manifests/ghost', push, {
      method: 'PUT',
      body: orphanIndex.bytes,
      headers: { 'content-type': orphanIndex.mediaType }
    })
    expect(idx.status).toBe(400)
    const wrong = await registry(sim, `/v2/acme/app/sub/manifests/${sha256Digest('nope')}`, push, {
      method: 'PUT',
      body: amd.bytes,
      headers: { 'content-type': amd.mediaType }
    })
    expect(wrong.status).toBe(400)
  })

  it('creates a package on the first push to a new name (monolithic blob upload)', async () => {
    const push = await registryToken(sim, 'acme/fresh', 'pull,push')
    const m = image('fresh')
    for (const [digest, bytes] of m.blobs) {
      const res = await registry(sim, `/v2/acme/fresh/blobs/uploads/?digest=${digest}`, push, {
        method: 'POST',
        body: bytes
      })
      expect(res.status).toBe(201)
    }
    const bad = blob('corrupt')
    const mismatch = await registry(sim, `/v2/acme/fresh/blobs/uploads/?digest=${sha256Digest('x')}`, push, {
      method: 'POST',
      body: bad.bytes
    })
    expect(mismatch.status).toBe(400)
    const res = await registry(sim, '/v2/acme/fresh/manifests/v1', push, {
      method: 'PUT',
      body: m.bytes,
      headers: { 'content-type': m.mediaType }
    })
    expect(res.status).toBe(201)
    const pkg = (await (await rest(sim, '/orgs/acme/packages/container/fresh')).json()) as {
      version_count: number
      visibility: string
    }
    expect(pkg).toMatchObject({ version_count: 1, visibility: 'private' })
  })
})
