/**
 * The registry client against registries other than the simulator: a real `docker-registry` (the
 * distribution project) without auth, and a loopback registry whose token service lives on another origin.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { IncomingMessage } from 'node:http'
import { Agent, fetch } from 'undici'
import { sha256Digest } from '../../src/model/Manifest.js'
import { MediaTypes } from '../../src/model/MediaType.js'
import { RegistryClient } from '../../src/registry/RegistryClient.js'
import { FixtureBuilder } from '../../src/sim/fixtures/FixtureBuilder.js'
import { realRegistryTools, startRealRegistry, type RealRegistry } from '../../src/sim/realRegistry.js'
import { serve } from '../http/loopback.js'

const NOW = Date.parse('2026-06-01T00:00:00Z')
const haveRegistry = realRegistryTools().registry !== undefined

/** Blob upload, POST then PUT (distribution spec "Pushing a blob monolithically"). */
async function pushBlob(base: string, repo: string, digest: string, bytes: Buffer): Promise<void> {
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' })
  await start.arrayBuffer()
  const location = new URL(start.headers.get('location')!, base)
  location.searchParams.set('digest', digest)
  const put = await fetch(location, {
    method: 'PUT',
    body: bytes,
    headers: { 'content-type': 'application/octet-stream' }
  })
  await put.arrayBuffer()
  if (put.status !== 201) throw new Error(`blob ${digest}: HTTP ${put.status}`)
}

;(haveRegistry ? describe : describe.skip)('RegistryClient against docker-registry without auth', () => {
  let registry: RealRegistry
  const agent = new Agent()
  const fixture = new FixtureBuilder({ owner: 'acme', name: 'app', now: NOW })
  const multi = fixture.multiArch({ tags: ['v1'] })
  const pkg = fixture.build()

  beforeAll(async () => {
    registry = await startRealRegistry()
    for (const [digest, bytes] of pkg.blobs) await pushBlob(registry.url, 'acme/app', digest, bytes)
    for (const m of pkg.manifests.filter(m => m.digest !== multi.index)) {
      const put = await fetch(`${registry.url}/v2/acme/app/manifests/${m.digest}`, {
        method: 'PUT',
        body: m.bytes,
        headers: { 'content-type': m.mediaType }
      })
      await put.arrayBuffer()
      expect(put.status).toBe(201)
    }
  }, 30_000)

  afterAll(async () => {
    await registry?.stop()
    await agent.close()
  })

  it('pushes, resolves, heads and reads manifests without asking for any token', async () => {
    const c = new RegistryClient({ registryUrl: registry.url, password: 'unused-secret', dispatcher: agent })
    const index = pkg.manifests.find(m => m.digest === multi.index)!
    expect(await c.putManifest('acme/app', 'v1', index.bytes, index.mediaType)).toBe(multi.index)
    expect(await c.resolveTag('acme/app', 'v1')).toBe(multi.index)
    expect(await c.hasManifest('acme/app', multi.children[0].digest)).toBe(true)
    const child = await c.fetchManifest('acme/app', multi.children[1].digest)
    expect(child).toMatchObject({ ok: true, manifest: { kind: 'image', mediaType: MediaTypes.ociManifest } })
    // The index was pushed through this client: known without a read.
    expect(await c.fetchManifest('acme/app', multi.index)).toMatchObject({
      ok: true,
      manifest: { kind: 'index' }
    })
    expect(c.stats).toEqual({
      pings: 1,
      tokens: 0,
      manifestGets: 1,
      manifestHeads: 2,
      manifestPuts: 1,
      tagLists: 0
    })
  })
})

describe('RegistryClient and a token service on another origin', () => {
  const agent = new Agent()
  const tokenRequests: (string | undefined)[] = []
  let realm: Awaited<ReturnType<typeof serve>>
  let registry: Awaited<ReturnType<typeof serve>>
  const body = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [] })
  )
  const digest = sha256Digest(body)

  beforeAll(async () => {
    realm = await serve((req: IncomingMessage, res) => {
      tokenRequests.push(req.headers.authorization)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ token: 'issued-elsewhere', expires_in: 300 }))
    })
    registry = await serve((req, res) => {
      if (req.headers.authorization !== 'Bearer issued-elsewhere') {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm.url}/token",service="reg"` })
        return res.end()
      }
      res.writeHead(200, { 'content-type': MediaTypes.ociIndex })
      res.end(body)
    })
  })

  afterAll(async () => {
    await registry.close()
    await realm.close()
    await agent.close()
  })

  it('does not send the credentials there unless that origin is trusted', async () => {
    const warnings: string[] = []
    const logger = { debug: () => {}, info: () => {}, warning: (m: string) => warnings.push(m) }
    const base = {
      registryUrl: registry.url,
      username: 'u',
      password: 'the-github-token',
      dispatcher: agent,
      logger
    }
    const untrusting = new RegistryClient(base)
    expect(await untrusting.fetchManifest('acme/app', digest)).toMatchObject({ ok: true })
    expect(tokenRequests).toEqual([undefined])
    expect(warnings).toEqual([
      `The registry's token service ${realm.url} is not on the registry's origin ${registry.url}: the token is ` +
        'not sent there, so only public images can be read.'
    ])

    const trusting = new RegistryClient({ ...base, trustedRealmOrigins: [realm.url] })
    expect(await trusting.fetchManifest('acme/app', digest)).toMatchObject({ ok: true })
    expect(tokenRequests[1]).toBe('Basic ' + Buffer.from('u:the-github-token').toString('base64'))
  })
})
