import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { sha256Digest } from '../../src/model/Manifest.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'
import {
  ALL_MANIFEST_TYPES,
  fixture,
  image,
  manyImages,
  registry,
  registryToken,
  rest
} from './simHelpers.js'

let sim: Simulator
const m = image('faulty')

beforeAll(async () => {
  // timeScale 0.001 turns a 300 s token into 300 ms: give the bearer tokens a long simulated life instead.
  sim = await startSimulator({ seed: 42, rateLimits: false, timeScale: 0.001, tokenTtlSeconds: 30 * 86_400 })
  sim.addOwner('acme', 'Organization')
  sim.loadPackage(fixture('acme', 'app', [{ m, tags: ['v1'] }]))
})
afterAll(() => sim.close())
beforeEach(() => sim.faults.clear())

type Version = { id: number }
const VERSIONS = '/orgs/acme/packages/container/app/versions'

async function freshPackage(name: string): Promise<{ path: string; ids: number[] }> {
  sim.loadPackage(manyImages('acme', name, 3))
  const path = `/orgs/acme/packages/container/${name}/versions`
  const ids = ((await (await rest(sim, path)).json()) as Version[]).map(v => v.id)
  return { path, ids }
}

describe('rate-limit faults', () => {
  it('status429 answers with retry-after for the first N matching requests only', async () => {
    const rule = sim.faults.add({
      side: 'rest',
      pathPattern: '/versions',
      kind: 'status429',
      count: 1,
      retryAfter: 2
    })
    const res = await rest(sim, VERSIONS)
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('2')
    expect(((await res.json()) as { message: string }).message).toMatch(/secondary rate limit/)
    expect((await rest(sim, VERSIONS)).status).toBe(200)
    expect((await rest(sim, '/user')).status).toBe(200)
    expect(rule).toMatchObject({ matched: 2, hits: 1 })
    expect(sim.requests.at(-3)!.fault).toBe('status429')
  })

  it('status403secondary answers 403 with retry-after', async () => {
    sim.faults.add({ kind: 'status403secondary', method: 'GET', pathPattern: /\/versions$/, count: 1 })
    const res = await rest(sim, VERSIONS)
    expect(res.status).toBe(403)
    expect(res.headers.get('retry-after')).toBe('1')
  })
})

describe('server errors', () => {
  it('status5xx: a fixed status, or a seeded pick among 500/502/503', async () => {
    sim.faults.add({ kind: 'status5xx', status: 503, count: 1 })
    expect((await rest(sim, VERSIONS)).status).toBe(503)
    sim.faults.clear()
    sim.faults.add({ kind: 'status5xx', count: 12 })
    const seen = new Set<number>()
    for (let i = 0; i < 12; i++) seen.add((await rest(sim, VERSIONS)).status)
    for (const s of seen) expect([500, 502, 503]).toContain(s)
    expect(seen.size).toBeGreaterThan(1)
  })

  it('status502AfterEffect applies the delete, then answers 502', async () => {
    const { path, ids } = await freshPackage('after502')
    sim.faults.add({ kind: 'status502AfterEffect', method: 'DELETE', count: 1 })
    expect((await rest(sim, `${path}/${ids[2]}`, { method: 'DELETE' })).status).toBe(502)
    expect((await rest(sim, `${path}/${ids[2]}`, { method: 'DELETE' })).status).toBe(404)
  })

  it('reset drops the connection without applying; afterEffect applies first', async () => {
    const { path, ids } = await freshPackage('resets')
    sim.faults.add({ kind: 'reset', method: 'DELETE', count: 1 })
    await expect(rest(sim, `${path}/${ids[2]}`, { method: 'DELETE' })).rejects.toThrow()
    expect(sim.state.packageOf('acme', 'resets')!.byId.get(ids[2])!.state).toBe('active')
    expect(sim.requests.at(-1)).toMatchObject({ status: 0, fault: 'reset' })
    sim.faults.clear()
    sim.faults.add({ kind: 'reset', method: 'DELETE', count: 1, afterEffect: true })
    await expect(rest(sim, `${path}/${ids[2]}`, { method: 'DELETE' })).rejects.toThrow()
    expect(sim.state.packageOf('acme', 'resets')!.byId.get(ids[2])!.state).toBe('deleted')
  })

  it('truncate sends half the promised body, then closes', async () => {
    sim.faults.add({ kind: 'truncate', pathPattern: '/versions', count: 1 })
    const res = await rest(sim, VERSIONS)
    expect(res.status).toBe(200)
    const promised = Number(res.headers.get('content-length'))
    expect(promised).toBeGreaterThan(0)
    await expect(res.text()).rejects.toThrow()
    expect((await rest(sim, VERSIONS)).status).toBe(200)
  })

  it('latency delays by the simulated ms × timeScale', async () => {
    sim.faults.add({ kind: 'latency', latencyMs: 150_000, count: 1 })
    const started = performance.now()
    expect((await rest(sim, VERSIONS)).status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
    expect(sim.requests.at(-1)!.fault).toBe('latency')
  })
})

describe('registry faults', () => {
  let bearer: string
  beforeAll(async () => {
    bearer = await registryToken(sim, 'acme/app')
  })
  const get = () =>
    registry(sim, `/v2/acme/app/manifests/${m.digest}`, bearer, { headers: { accept: ALL_MANIFEST_TYPES } })

  it('wrongDigest serves bytes that do not hash to the digest', async () => {
    sim.faults.add({ side: 'registry', kind: 'wrongDigest', count: 1 })
    const res = await get()
    const bytes = Buffer.from(await res.arrayBuffer())
    expect(res.headers.get('docker-content-digest')).toBe(m.digest)
    expect(sha256Digest(bytes)).not.toBe(m.digest)
    expect(() => JSON.parse(bytes.toString())).not.toThrow()
    const fine = Buffer.from(await (await get()).arrayBuffer())
    expect(sha256Digest(fine)).toBe(m.digest)
  })

  it('wrongDigest variant header lies in Docker-Content-Digest', async () => {
    sim.faults.add({ side: 'registry', kind: 'wrongDigest', variant: 'header', count: 1 })
    const res = await get()
    expect(sha256Digest(Buffer.from(await res.arrayBuffer()))).toBe(m.digest)
    expect(res.headers.get('docker-content-digest')).not.toBe(m.digest)
  })

  it('expiredToken answers 401 with a fresh challenge for the repository', async () => {
    sim.faults.add({ side: 'registry', kind: 'expiredToken', count: 1, pathPattern: '/manifests/' })
    const res = await get()
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('scope="repository:acme/app:pull"')
    expect((await get()).status).toBe(200)
  })

  it('side filters keep a registry rule away from REST', async () => {
    sim.faults.add({ side: 'registry', kind: 'status5xx', status: 500 })
    expect((await rest(sim, VERSIONS)).status).toBe(200)
    expect((await get()).status).toBe(500)
  })
})

describe('replay', () => {
  async function run(seed: number): Promise<number[]> {
    const s = await startSimulator({ seed, rateLimits: false })
    try {
      s.faults.add({ kind: 'status5xx', rate: 0.5 })
      const out: number[] = []
      for (let i = 0; i < 40; i++) out.push((await rest(s, '/user')).status)
      return out
    } finally {
      await s.close()
    }
  }

  it('the same seed injects the same faults; another seed others', async () => {
    const a = await run(1234)
    expect(a.some(s => s === 200) && a.some(s => s >= 500)).toBe(true)
    expect(await run(1234)).toEqual(a)
    expect(await run(4321)).not.toEqual(a)
  })

  it('rejects a rate outside 0..1', () => {
    expect(() => sim.faults.add({ kind: 'reset', rate: 2 })).toThrow(/0\.\.1/)
  })
})
