import { afterEach, describe, expect, it } from '@jest/globals'
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/server.js'
import { manyImages, rest } from './simHelpers.js'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function start(opts: SimulatorOptions): Promise<Simulator> {
  sim = await startSimulator(opts)
  sim.addOwner('acme', 'Organization')
  sim.loadPackage(manyImages('acme', 'app', 20))
  return sim
}

type Version = { id: number }
const VERSIONS = '/orgs/acme/packages/container/app/versions'

async function message(res: Response): Promise<string> {
  return ((await res.json()) as { message: string }).message
}

describe('primary rate limit', () => {
  it('reports x-ratelimit-* on every answer, errors included', async () => {
    const s = await start({})
    const a = await rest(s, '/user')
    const b = await rest(s, '/orgs/acme/packages/container/nope')
    expect(b.status).toBe(404)
    expect(a.headers.get('x-ratelimit-limit')).toBe('5000')
    expect(a.headers.get('x-ratelimit-resource')).toBe('core')
    expect(Number(b.headers.get('x-ratelimit-used'))).toBe(Number(a.headers.get('x-ratelimit-used')) + 1)
    expect(Number(b.headers.get('x-ratelimit-remaining'))).toBe(
      5000 - Number(b.headers.get('x-ratelimit-used'))
    )
    const reset = Number(a.headers.get('x-ratelimit-reset'))
    const now = Date.now() / 1000
    expect(reset).toBeGreaterThan(now + 3500)
    expect(reset).toBeLessThan(now + 3700)
    const gh = s.issueToken({ kind: 'installation', owner: 'acme' })
    expect((await rest(s, VERSIONS, { token: gh })).headers.get('x-ratelimit-limit')).toBe('1000')
    expect((await rest(s, '/users/acme', { token: '' })).headers.get('x-ratelimit-limit')).toBe('60')
  })

  it('answers 403 with remaining 0 once exhausted, and serves again after the reset', async () => {
    const s = await start({})
    const token = s.issueToken({ kind: 'pat', login: 'busy', rateLimit: 3 })
    for (let i = 0; i < 3; i++) expect((await rest(s, '/user', { token })).status).toBe(200)
    const res = await rest(s, '/user', { token })
    expect(res.status).toBe(403)
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(await message(res)).toMatch(/^API rate limit exceeded for user ID \d+/)
    expect(s.stats.rateLimited.primary).toBe(1)
    s.clock.advance(3_600_000)
    expect((await rest(s, '/user', { token })).status).toBe(200)
  })

  it('can answer 429 instead, and can be switched off', async () => {
    const s = await start({ rateLimits: { status: 429, patPerHour: 1 } })
    await rest(s, '/user')
    expect((await rest(s, '/user')).status).toBe(429)
    await s.close()
    const off = await start({ rateLimits: false })
    const token = off.issueToken({ kind: 'pat', login: 'free', rateLimit: 1 })
    await rest(off, '/user', { token })
    const res = await rest(off, '/user', { token })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0')
  })
})

describe('secondary rate limits', () => {
  it('counts points per minute: GET 1, DELETE 5', async () => {
    const s = await start({ rateLimits: { pointsPerMinute: 12 } })
    const rows = (await (await rest(s, VERSIONS)).json()) as Version[]
    for (const v of rows.slice(-2)) {
      expect((await rest(s, `${VERSIONS}/${v.id}`, { method: 'DELETE' })).status).toBe(204)
    }
    expect((await rest(s, '/user')).status).toBe(200)
    const res = await rest(s, '/user')
    expect(res.status).toBe(403)
    expect(await message(res)).toMatch(/secondary rate limit/)
    const retryAfter = Number(res.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0)
    expect(s.stats.rateLimited.points).toBe(1)
    s.clock.advance(60_000)
    expect((await rest(s, '/user')).status).toBe(200)
  })

  it('limits content-creating requests per minute and per hour', async () => {
    const s = await start({ rateLimits: { contentPerMinute: 2, contentPerHour: 3 } })
    const rows = (await (await rest(s, VERSIONS)).json()) as Version[]
    const del = (i: number) => rest(s, `${VERSIONS}/${rows[rows.length - 1 - i].id}`, { method: 'DELETE' })
    expect((await del(0)).status).toBe(204)
    expect((await del(1)).status).toBe(204)
    const minute = await del(2)
    expect(minute.status).toBe(403)
    expect(Number(minute.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    s.clock.advance(61_000)
    expect((await del(2)).status).toBe(204)
    s.clock.advance(61_000)
    const hour = await del(3)
    expect(hour.status).toBe(403)
    expect(await message(hour)).toMatch(/secondary rate limit/)
    expect(Number(hour.headers.get('retry-after'))).toBeGreaterThan(60)
    expect(s.stats.rateLimited).toMatchObject({ contentPerMinute: 1, contentPerHour: 1 })
    // Reads are not content-creating.
    expect((await rest(s, VERSIONS)).status).toBe(200)
  })

  it('refuses more concurrent requests than allowed', async () => {
    const s = await start({ rateLimits: { maxConcurrent: 2 }, latencyMs: 400 })
    const statuses = (await Promise.all([1, 2, 3].map(() => rest(s, '/user')))).map(r => r.status).sort()
    expect(statuses).toEqual([200, 200, 403])
    expect(s.stats.maxInFlight.rest).toBe(3)
    expect(s.stats.rateLimited.concurrency).toBe(1)
  })

  it('serves a client that sleeps retry-after × timeScale', async () => {
    const s = await start({ timeScale: 0.01, rateLimits: { pointsPerMinute: 5 } })
    let refused: Response | undefined
    for (let i = 0; i < 50 && !refused; i++) {
      const res = await rest(s, '/user')
      if (res.status === 403) refused = res
    }
    expect(refused).toBeDefined()
    const wait = Number(refused!.headers.get('retry-after')) * 1000 * s.timeScale
    await new Promise(resolve => setTimeout(resolve, wait))
    expect((await rest(s, '/user')).status).toBe(200)
  })
})

describe('counters for benchmarks', () => {
  it('counts requests by route and side', async () => {
    const s = await start({})
    await rest(s, VERSIONS)
    await rest(s, `${VERSIONS}?page=2`)
    await rest(s, '/users/acme')
    expect(
      s.stats.requestsByRoute['rest:GET /orgs/{org}/packages/{package_type}/{package_name}/versions']
    ).toBe(2)
    expect(s.stats.requestsByRoute['rest:GET /users/{username}']).toBe(1)
    expect(s.requests.map(r => [r.side, r.status])).toEqual([
      ['rest', 200],
      ['rest', 200],
      ['rest', 200]
    ])
  })
})
