/**
 * The registry client against the loopback simulator over HTTP: the token dance, typed manifests, digest
 * verification, the per-run cache, faults, token expiry, tags and pushes; the token never reaches a log.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'
import { sha256Digest } from '../../src/model/Manifest.js'
import { MediaTypes } from '../../src/model/MediaType.js'
import { RegistryClient, type RegistryClientOptions } from '../../src/registry/RegistryClient.js'
import { FixtureBuilder } from '../../src/sim/fixtures/FixtureBuilder.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'

const NOW = Date.parse('2026-06-01T00:00:00Z')
const SCALE = 0.001

describe('RegistryClient against the simulator', () => {
  let sim: Simulator
  const agent = new Agent()
  const refs: Record<string, string> = {}
  let platformImages: string[] = []
  let orphans: string[] = []
  const secrets: string[] = []
  const lines: string[] = []
  const logger = {
    debug: (m: string) => lines.push(m),
    info: (m: string) => lines.push(m),
    warning: (m: string) => lines.push(m)
  }

  function client(options: Partial<RegistryClientOptions> = {}): RegistryClient {
    return new RegistryClient({
      registryUrl: sim.registryUrl,
      username: 'ci-bot',
      password: sim.token,
      timeScale: SCALE,
      dispatcher: agent,
      logger,
      onSecret: s => secrets.push(s),
      // The client's clock for token lifetimes stands still unless a test moves it.
      now: () => NOW,
      ...options
    })
  }

  const registryPaths = () =>
    sim.requests.filter(r => r.side === 'registry').map(r => `${r.method} ${r.path.split('?')[0]}`)

  beforeAll(async () => {
    // Simulated time runs 1000× faster than real time: tokens live "forever" here so that a slow test run
    // cannot expire one; the lifetime tests below move time explicitly.
    sim = await startSimulator({ seed: 5, timeScale: SCALE, startTime: NOW, tokenTtlSeconds: 1e9 })
    sim.addOwner('acme', 'Organization')
    const app = new FixtureBuilder({ owner: 'acme', name: 'app', now: NOW })
    const multi = app.multiArch({ tags: ['v1'], attestations: true })
    refs.index = multi.index
    platformImages = multi.children.map(c => c.digest)
    refs.docker = app.multiArch({ tags: ['legacy'], format: 'docker', ageDays: 100 }).index
    refs.image = app.image({ tags: ['v2'] })
    refs.sig = app.cosign(refs.image, 'sig')
    orphans = Array.from({ length: 40 }, (_, i) => app.orphan({ ageDays: 5 + i }))
    sim.loadPackage(app.build())
    const nested = new FixtureBuilder({ owner: 'acme', name: 'tools/lint', now: NOW })
    refs.lint = nested.image({ tags: ['latest'] })
    sim.loadPackage(nested.build())
  })

  afterAll(async () => {
    // The answer the slow-answer test abandoned is still on its way: let it land before closing.
    while (sim.stats.inFlight.registry > 0) await new Promise(r => setTimeout(r, 20))
    await sim.close()
    await agent.close()
  })

  beforeEach(() => {
    sim.faults.clear()
    sim.requests.length = 0
  })

  it('authenticates from the /v2/ challenge and reads each kind of manifest into one typed Manifest', async () => {
    const c = client()
    const index = await c.fetchManifest('acme/app', refs.index)
    const docker = await c.fetchManifest('acme/app', refs.docker)
    const image = await c.fetchManifest('acme/app', refs.image)
    const sig = await c.fetchManifest('acme/app', refs.sig)
    expect(index).toMatchObject({ ok: true, manifest: { kind: 'index', mediaType: MediaTypes.ociIndex } })
    expect(index.ok && index.manifest.manifests.map(d => d.digest)).toEqual(
      expect.arrayContaining(platformImages)
    )
    expect(docker).toMatchObject({ ok: true, manifest: { kind: 'index', mediaType: MediaTypes.dockerList } })
    expect(image).toMatchObject({ ok: true, manifest: { kind: 'image', mediaType: MediaTypes.ociManifest } })
    expect(sig).toMatchObject({ ok: true, manifest: { kind: 'image' } })
    expect(c.stats).toEqual({
      pings: 1,
      tokens: 1,
      manifestGets: 4,
      manifestHeads: 0,
      manifestPuts: 0,
      tagLists: 0
    })
    expect(c.requestCount).toBe(6)
    const token = sim.requests.find(r => r.path.startsWith('/token'))!
    expect(decodeURIComponent(token.path)).toContain('scope=repository:acme/app:pull')
    expect(secrets).toHaveLength(1)
  })

  it('asks each nested repository for its own pull token', async () => {
    const c = client()
    expect(await c.fetchManifest('acme/tools/lint', refs.lint)).toMatchObject({ ok: true })
    expect(registryPaths()).toEqual([
      'GET /v2/',
      'GET /token',
      `GET /v2/acme/tools/lint/manifests/${refs.lint}`
    ])
  })

  it('reads no digest twice in a run, and coalesces concurrent asks', async () => {
    const c = client({ concurrency: 3 })
    const asks = [...orphans, ...orphans, ...orphans.slice(0, 10)].map(d => c.fetchManifest('acme/app', d))
    const facts = await Promise.all(asks)
    expect(facts.every(f => f.ok)).toBe(true)
    await c.fetchManifest('acme/app', orphans[0])
    expect(c.stats.manifestGets).toBe(orphans.length)
    expect(sim.stats.maxInFlight.registry).toBeLessThanOrEqual(3)
  })

  it('rejects a body that does not hash to the requested digest', async () => {
    const c = client()
    sim.faults.add({ side: 'registry', kind: 'wrongDigest', pathPattern: refs.image })
    const fact = await c.fetchManifest('acme/app', refs.image)
    expect(fact.ok).toBe(false)
    expect(!fact.ok && fact.reason).toMatch(
      /body for sha256:[0-9a-f]{64} hashes to sha256:[0-9a-f]{64}; it was rejected/
    )
    // Read twice (a cut-off transfer gets one more chance), never cached as a manifest.
    expect(c.stats.manifestGets).toBe(2)
    expect(c.rawManifest(refs.image)).toBeUndefined()
  })

  it('trusts the bytes, not a lying Docker-Content-Digest header', async () => {
    const c = client()
    sim.faults.add({ side: 'registry', kind: 'wrongDigest', variant: 'header', pathPattern: refs.image })
    expect(await c.fetchManifest('acme/app', refs.image)).toMatchObject({ ok: true })
  })

  it('survives 5xx, 429/403 with retry-after, resets, cut-off bodies and slow answers', async () => {
    const c = client({ timeoutMs: 1000 })
    const kinds = ['status5xx', 'status429', 'status403secondary', 'reset', 'truncate', 'latency'] as const
    kinds.forEach((kind, i) =>
      sim.faults.add({ side: 'registry', kind, pathPattern: orphans[i], count: 1, latencyMs: 1_500_000 })
    )
    const facts = await Promise.all(orphans.slice(0, kinds.length).map(d => c.fetchManifest('acme/app', d)))
    expect(facts.map(f => f.ok)).toEqual(kinds.map(() => true))
    expect(c.stats.manifestGets).toBe(2 * kinds.length)
  })

  it('turns a persistent failure into a fact, not a throw', async () => {
    const c = client({ retries: 2 })
    sim.faults.add({ side: 'registry', kind: 'status5xx', status: 503, pathPattern: orphans[0] })
    const fact = await c.fetchManifest('acme/app', orphans[0])
    expect(fact).toEqual({ ok: false, reason: 'the registry answered HTTP 503 (UNKNOWN: unknown error)' })
    const missing = await c.fetchManifest('acme/app', 'sha256:' + '0'.repeat(64))
    expect(missing).toMatchObject({ ok: false, notFound: true })
    expect(!missing.ok && missing.reason).toMatch(/no manifest sha256:0{64} in acme\/app \(MANIFEST_UNKNOWN/)
    expect(await c.fetchManifest('acme/app', 'latest')).toMatchObject({
      ok: false,
      reason: '"latest" is not a sha256 digest'
    })
  })

  it('renews the token when the registry says it expired', async () => {
    const c = client()
    await c.fetchManifest('acme/app', orphans[0])
    sim.faults.add({ side: 'registry', kind: 'expiredToken', pathPattern: '/manifests/', count: 1 })
    expect(await c.fetchManifest('acme/app', orphans[1])).toMatchObject({ ok: true })
    expect(c.stats.tokens).toBe(2)
    // (A slow answer of an earlier test may still land in the log: look at this digest and tokens only.)
    const relevant = registryPaths().filter(p => p.includes(orphans[1]) || p.includes('/token'))
    expect(relevant.slice(-3)).toEqual([
      `GET /v2/acme/app/manifests/${orphans[1]}`,
      'GET /token',
      `GET /v2/acme/app/manifests/${orphans[1]}`
    ])
  })

  describe('token lifetime', () => {
    async function shortLived(ttl: number, expiresIn: boolean) {
      const short = await startSimulator({
        seed: 9,
        timeScale: SCALE,
        tokenTtlSeconds: ttl,
        tokenExpiresIn: expiresIn
      })
      short.addOwner('acme', 'Organization')
      const b = new FixtureBuilder({ owner: 'acme', name: 'app', now: NOW })
      const digests = Array.from({ length: 3 }, (_, i) => b.orphan({ ageDays: i }))
      short.loadPackage(b.build())
      const clock = { now: NOW }
      const c = new RegistryClient({
        registryUrl: short.registryUrl,
        password: short.token,
        timeScale: SCALE,
        dispatcher: agent,
        now: () => clock.now
      })
      /** Moves both clocks by `seconds` simulated seconds. */
      const pass = (seconds: number) => {
        short.clock.advance(seconds * 1000)
        clock.now += seconds * 1000 * SCALE
      }
      const unauthorized = () =>
        short.requests.filter(r => r.status === 401 && r.path.includes('/manifests/'))
      return { short, c, digests, pass, unauthorized }
    }

    it('renews before expiry when the realm says how long a token lives', async () => {
      const { short, c, digests, pass, unauthorized } = await shortLived(600, true)
      try {
        expect(await c.fetchManifest('acme/app', digests[0])).toMatchObject({ ok: true })
        pass(400)
        expect(await c.fetchManifest('acme/app', digests[1])).toMatchObject({ ok: true })
        expect(c.stats.tokens).toBe(1)
        pass(180) // 580 s: inside the last 30 s of the token's life
        expect(await c.fetchManifest('acme/app', digests[2])).toMatchObject({ ok: true })
        expect(c.stats.tokens).toBe(2)
        expect(unauthorized()).toHaveLength(0)
      } finally {
        await short.close()
      }
    })

    it('recovers when the registry expires a token the client still trusted (no expires_in, as on ghcr.io)', async () => {
      const { short, c, digests, unauthorized } = await shortLived(100, false)
      try {
        expect(await c.fetchManifest('acme/app', digests[0])).toMatchObject({ ok: true })
        short.clock.advance(150_000) // the registry's clock only: the client does not know
        expect(await c.fetchManifest('acme/app', digests[1])).toMatchObject({ ok: true })
        expect(unauthorized()).toHaveLength(1)
        expect(c.stats.tokens).toBe(2)
        expect(c.stats.manifestGets).toBe(3)
      } finally {
        await short.close()
      }
    })
  })

  it('answers HEAD questions without downloading', async () => {
    const c = client()
    expect(await c.resolveTag('acme/app', 'v1')).toBe(refs.index)
    expect(await c.resolveTag('acme/app', 'no-such-tag')).toBeUndefined()
    expect(await c.hasManifest('acme/app', refs.image)).toBe(true)
    expect(await c.hasManifest('acme/app', 'sha256:' + '1'.repeat(64))).toBe(false)
    expect(await c.headManifest('acme/app', 'legacy')).toEqual({
      digest: refs.docker,
      mediaType: MediaTypes.dockerList,
      size: expect.any(Number)
    })
    expect(c.stats.manifestGets).toBe(0)
    await expect(c.resolveTag('acme/app', 'bad tag')).rejects.toThrow('"bad tag" is not a valid tag')
  })

  it('pushes a manifest under a tag with a push-scoped token and reports its digest', async () => {
    const c = client()
    const image = await c.fetchManifest('acme/app', refs.image)
    const raw = c.rawManifest(refs.image)!
    expect(image.ok).toBe(true)
    const placeholder = JSON.parse(Buffer.from(raw.bytes).toString('utf8'))
    placeholder.layers = []
    placeholder.annotations = { 'org.example.placeholder': 'v2' }
    const bytes = Buffer.from(JSON.stringify(placeholder))
    const digest = await c.putManifest('acme/app', 'v2', bytes, MediaTypes.ociManifest)
    expect(digest).toBe(sha256Digest(bytes))
    expect(await c.resolveTag('acme/app', 'v2')).toBe(digest)
    const scopes = sim.requests.filter(r => r.path.startsWith('/token')).map(r => decodeURIComponent(r.path))
    expect(scopes.some(s => s.includes('repository:acme/app:pull,push'))).toBe(true)
    // A push that landed behind a 502 is simply pushed again: same bytes, same digest.
    placeholder.annotations = { 'org.example.placeholder': 'again' }
    const again = Buffer.from(JSON.stringify(placeholder))
    sim.faults.add({ side: 'registry', method: 'PUT', kind: 'status502AfterEffect', count: 1 })
    expect(await c.putManifest('acme/app', 'v2', again, MediaTypes.ociManifest)).toBe(sha256Digest(again))
    expect(c.stats.manifestPuts).toBe(3)
    // The pushed bytes are known now: reading them back costs nothing.
    expect(await c.fetchManifest('acme/app', digest)).toMatchObject({ ok: true })
    expect(c.stats.manifestGets).toBe(1)
  })

  it('says clearly when the token may not read the package', async () => {
    const stranger = sim.issueToken({ kind: 'pat', login: 'stranger' })
    const c = client({ password: stranger })
    const fact = await c.fetchManifest('acme/app', refs.index)
    expect(fact.ok).toBe(false)
    expect(!fact.ok && fact.reason).toBe(
      'the registry refused to serve manifests of acme/app (HTTP 401: UNAUTHORIZED: authentication required). ' +
        'The token needs read:packages and read access to the package (GITHUB_TOKEN: the repository needs ' +
        'access in the package settings, Manage Actions access).'
    )
    // The refusal came with an insufficient_scope challenge: a new token cannot help, so none was asked for.
    expect(c.stats.tokens).toBe(1)
  })

  it('never logs the token or a bearer token', () => {
    const text = lines.join('\n')
    expect(lines.length).toBeGreaterThan(20)
    expect(secrets.length).toBeGreaterThan(3)
    expect(text).not.toContain(sim.token)
    for (const s of secrets) expect(text).not.toContain(s)
    expect(text).not.toMatch(/authorization|bearer [a-z0-9_]/i)
  })
})
