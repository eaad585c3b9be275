/**
 * The REST client against the loopback simulator over HTTP: owner detection, endpoint families, nested names,
 * pagination, deletes/restores and GitHub's refusals, faults, rate limits, and that the token never reaches a log.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'
import { PackagesClient, type PackagesClientOptions } from '../../src/github/PackagesClient.js'
import { NotFoundError, PermissionError, RateLimitError } from '../../src/github/errors.js'
import type { PackageVersion } from '../../src/model/PackageVersion.js'
import { FixtureBuilder } from '../../src/sim/fixtures/FixtureBuilder.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'

const NOW = Date.parse('2026-06-01T00:00:00Z')
const SCALE = 0.001

interface Captured {
  lines: string[]
  logger: { debug(m: string): void; info(m: string): void; warning(m: string): void }
}

function capture(): Captured {
  const lines: string[] = []
  return {
    lines,
    logger: {
      debug: m => lines.push(`debug ${m}`),
      info: m => lines.push(`info ${m}`),
      warning: m => lines.push(`warning ${m}`)
    }
  }
}

async function all(pages: AsyncIterable<PackageVersion[]>): Promise<PackageVersion[]> {
  const out: PackageVersion[] = []
  for await (const page of pages) out.push(...page)
  return out
}

describe('PackagesClient against the simulator', () => {
  let sim: Simulator
  const agent = new Agent()
  const refs: Record<string, string> = {}

  function client(options: Partial<PackagesClientOptions> = {}, log = capture()): PackagesClient {
    return new PackagesClient({
      token: sim.token,
      apiUrl: sim.apiUrl,
      timeScale: SCALE,
      writeGapMs: 0,
      dispatcher: agent,
      logger: log.logger,
      ...options
    })
  }

  function restRequests(pathPart: string): string[] {
    return sim.requests
      .filter(r => r.side === 'rest' && r.path.includes(pathPart))
      .map(r => `${r.method} ${r.path}`)
  }

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, timeScale: SCALE, startTime: NOW })
    sim.addOwner('acme', 'Organization')
    sim.addOwner('alice', 'User')

    const app = new FixtureBuilder({ owner: 'acme', name: 'app', now: NOW })
    refs.multi = app.multiArch({ tags: ['v1', 'latest'], ageDays: 10 }).index
    refs.single = app.image({ tags: ['v0'], ageDays: 20 })
    for (let i = 0; i < 230; i++) app.orphan({ ageDays: 30 + i / 24 })
    sim.loadPackage(app.build())

    const nested = new FixtureBuilder({ owner: 'acme', name: 'tools/lint', now: NOW })
    refs.lint = nested.image({ tags: ['latest'] })
    refs.lintOld = nested.image({ tags: ['old'], ageDays: 3 })
    sim.loadPackage(nested.build())
    const deep = new FixtureBuilder({ owner: 'acme', name: 'tools/lint/debug', now: NOW })
    deep.image({ tags: ['latest'] })
    sim.loadPackage(deep.build())

    const mine = new FixtureBuilder({ owner: sim.login, name: 'mine', now: NOW })
    refs.mine = mine.image({ tags: ['latest'] })
    refs.mineOld = mine.orphan({ ageDays: 2 })
    sim.loadPackage(mine.build())

    const pub = new FixtureBuilder({ owner: 'alice', name: 'pub', visibility: 'public', now: NOW })
    refs.pub = pub.image({ tags: ['latest'] })
    sim.loadPackage(pub.build())
  })

  afterAll(async () => {
    // The answer the slow-answer test abandoned is still on its way: let it land before closing.
    while (sim.stats.inFlight.rest > 0) await new Promise(r => setTimeout(r, 20))
    await sim.close()
    await agent.close()
  })

  beforeEach(() => sim.faults.clear())

  describe('owners', () => {
    it('uses /orgs/… for an organization, asking GET /user and GET /users/{owner} once', async () => {
      const c = client()
      sim.requests.length = 0
      const versions = await all(c.listVersions({ owner: 'acme', name: 'app' }))
      await all(c.listVersions({ owner: 'acme', name: 'tools/lint' }))
      expect(versions).toHaveLength(234)
      expect(restRequests('/user')).toEqual(['GET /user', 'GET /users/acme'])
      expect((await c.ownerRoute('acme')).kind).toBe('org')
      const multi = versions.find(v => v.digest === refs.multi)!
      expect([...multi.tags].sort()).toEqual(['latest', 'v1'])
      expect(multi.createdAt).toBe(NOW - 10 * 86_400_000)
      expect(versions.filter(v => v.tags.length === 0)).toHaveLength(230 + 2)
    })

    it("uses /user/… when the token's login is the owner", async () => {
      const c = client()
      sim.requests.length = 0
      const versions = await all(c.listVersions({ owner: sim.login, name: 'mine' }))
      expect(versions.map(v => v.digest).sort()).toEqual([refs.mine, refs.mineOld].sort())
      expect(restRequests('/user')).toEqual([
        'GET /user',
        'GET /user/packages/container/mine/versions?per_page=100&state=active'
      ])
    })

    it("uses /users/{username}/… for another user's package", async () => {
      const c = client()
      sim.requests.length = 0
      const versions = await all(c.listVersions({ owner: 'alice', name: 'pub' }))
      expect(versions.map(v => v.digest)).toEqual([refs.pub])
      expect(restRequests('/packages/')).toEqual([
        'GET /users/alice/packages/container/pub/versions?per_page=100'
      ])
      await expect(all(c.listVersions({ owner: 'alice', name: 'pub' }, 'deleted'))).rejects.toThrow(
        /Deleted versions of container package alice\/pub cannot be listed/
      )
    })

    it('uses the owner-type endpoints with an installation token, whose login cannot be read', async () => {
      const token = sim.issueToken({ kind: 'installation', owner: 'acme' })
      const c = client({ token })
      sim.requests.length = 0
      const versions = await all(c.listVersions({ owner: 'acme', name: 'tools/lint' }))
      expect(versions).toHaveLength(2)
      expect(sim.requests.filter(r => r.path === '/user').map(r => r.status)).toEqual([403])
      expect((await c.ownerRoute('acme')).tokenKind).toBe('installation')
    })

    it('names a missing owner clearly', async () => {
      await expect(all(client().listVersions({ owner: 'nobody-here', name: 'x' }))).rejects.toThrow(
        new NotFoundError(
          'Owner "nobody-here"',
          'The `owner` input must be the login of a user or an organization on this GitHub host (`api-url`).'
        )
      )
    })
  })

  describe('packages', () => {
    it('encodes a nested name once', async () => {
      const c = client()
      sim.requests.length = 0
      await all(c.listVersions({ owner: 'acme', name: 'tools/lint' }))
      const paths = restRequests('/packages/')
      expect(paths).toEqual([
        'GET /orgs/acme/packages/container/tools%2Flint/versions?per_page=100&state=active'
      ])
    })

    it('matches globs: * within a segment, ** across them; exact names are read one by one', async () => {
      const c = client()
      const names = async (globs: string[]) => (await c.listPackages('acme', globs)).map(p => p.name).sort()
      expect(await names(['tools/*'])).toEqual(['tools/lint'])
      expect(await names(['tools/**'])).toEqual(['tools/lint', 'tools/lint/debug'])
      expect(await names(['*'])).toEqual(['app'])
      sim.requests.length = 0
      const exact = await c.listPackages('acme', ['tools/lint', 'missing'])
      expect(exact).toEqual([{ owner: 'acme', name: 'tools/lint', versionCount: 2, visibility: 'private' }])
      expect(restRequests('/packages')).toEqual([
        'GET /orgs/acme/packages/container/tools%2Flint',
        'GET /orgs/acme/packages/container/missing'
      ])
    })

    it('reads every page exactly once, 100 versions a page', async () => {
      const c = client()
      sim.requests.length = 0
      const pages: number[] = []
      for await (const page of c.listVersions({ owner: 'acme', name: 'app' })) pages.push(page.length)
      expect(pages).toEqual([100, 100, 34])
      const listed = restRequests('/versions')
      expect(listed).toHaveLength(3)
      expect(new Set(listed).size).toBe(3)
    })
  })

  describe('delete and restore', () => {
    it('deletes, reports a second delete as gone, and restores', async () => {
      const c = client()
      const pkg = { owner: sim.login, name: 'mine' }
      const old = (await all(c.listVersions(pkg))).find(v => v.digest === refs.mineOld)!
      expect(await c.deleteVersion(pkg, old.id)).toEqual({ kind: 'deleted' })
      expect(await c.deleteVersion(pkg, old.id)).toEqual({ kind: 'gone' })
      expect((await all(c.listVersions(pkg, 'deleted'))).map(v => v.id)).toEqual([old.id])
      expect(await c.restoreVersion(pkg, old.id)).toEqual({ kind: 'restored' })
      expect(await c.getVersion(pkg, old.id)).toMatchObject({ id: old.id, digest: refs.mineOld })
      expect(await c.restoreVersion(pkg, old.id)).toMatchObject({ kind: 'refused', status: 404 })
    })

    it("passes GitHub's refusal to delete the last tagged version on as an outcome", async () => {
      const c = client()
      const pkg = { owner: 'alice', name: 'pub' }
      sim.state.owner('alice')!.admins.add(sim.login.toLowerCase())
      try {
        const [only] = await all(c.listVersions(pkg))
        const outcome = await c.deleteVersion(pkg, only.id)
        expect(outcome).toMatchObject({ kind: 'refused', status: 400 })
        expect(outcome.kind === 'refused' && outcome.message).toMatch(/cannot delete the last tagged version/)
      } finally {
        sim.state.owner('alice')!.admins.delete(sim.login.toLowerCase())
      }
    })

    it('explains a permission refusal for GITHUB_TOKEN without admin on the package', async () => {
      const token = sim.issueToken({ kind: 'installation', owner: 'acme' })
      const c = client({ token })
      const pkg = { owner: 'acme', name: 'tools/lint' }
      sim.state.packageOf('acme', 'tools/lint')!.actionsAccess = 'read'
      try {
        const old = (await all(c.listVersions(pkg))).find(v => v.digest === refs.lintOld)!
        const outcome = await c.deleteVersion(pkg, old.id)
        expect(outcome).toMatchObject({ kind: 'refused', status: 403 })
        const message = outcome.kind === 'refused' ? outcome.message : ''
        expect(message).toContain(
          `GitHub refused to delete version ${old.id} of container package acme/tools/lint`
        )
        expect(message).toContain('the repository needs the Admin role on the package')
      } finally {
        sim.state.packageOf('acme', 'tools/lint')!.actionsAccess = 'admin'
      }
    })

    it('explains a missing scope for a classic token', async () => {
      const token = sim.issueToken({ kind: 'pat', scopes: ['repo'] })
      const error = await all(client({ token }).listVersions({ owner: 'acme', name: 'app' })).catch(e => e)
      expect(error).toBeInstanceOf(PermissionError)
      expect(error.message).toMatch(
        /refused to list versions container package acme\/app .*needs read:packages/
      )
    })
  })

  describe('faults', () => {
    it('survives 5xx, resets, cut-off bodies and secondary limits on version pages', async () => {
      const log = capture()
      const c = client({}, log)
      for (const kind of ['status5xx', 'reset', 'truncate', 'status429', 'status403secondary'] as const) {
        sim.faults.clear()
        sim.faults.add({ side: 'rest', pathPattern: 'page=2', kind, count: 1 })
        const versions = await all(c.listVersions({ owner: 'acme', name: 'app' }))
        expect({ kind, n: versions.length, unique: new Set(versions.map(v => v.id)).size }).toEqual({
          kind,
          n: 234,
          unique: 234
        })
      }
      expect(
        log.lines.filter(l => l.startsWith('warning') && l.includes('secondary rate limit'))
      ).toHaveLength(2)
    })

    it('times out a slow answer and asks again', async () => {
      const c = client({ timeoutMs: 1000 })
      sim.faults.add({ side: 'rest', pathPattern: 'page=3', kind: 'latency', latencyMs: 1_500_000, count: 1 })
      expect(await all(c.listVersions({ owner: 'acme', name: 'app' }))).toHaveLength(234)
      expect(c.requestCount).toBe(2 + 3 + 1)
    })

    it('reports a token GitHub stops accepting as a clear error', async () => {
      sim.faults.add({ side: 'rest', kind: 'expiredToken', pathPattern: '/versions' })
      const error = await all(client().listVersions({ owner: 'acme', name: 'app' })).catch(e => e)
      expect(error.message).toBe(
        'GitHub rejected the token (401: Bad credentials). Check the `token` input: it may be expired, revoked, ' +
          'or meant for another GitHub host than `api-url`.'
      )
    })

    it('treats a delete that succeeded behind a 502 as gone on the retry', async () => {
      const c = client()
      const pkg = { owner: 'acme', name: 'app' }
      const orphan = (await all(c.listVersions(pkg))).find(v => v.tags.length === 0)!
      sim.faults.add({ side: 'rest', method: 'DELETE', kind: 'status502AfterEffect', count: 1 })
      expect(await c.deleteVersion(pkg, orphan.id)).toEqual({ kind: 'gone' })
      expect(await c.getVersion(pkg, orphan.id)).toBeUndefined()
    })

    it('gives up with a clear error after the retries', async () => {
      sim.faults.add({ side: 'rest', pathPattern: '/versions', kind: 'status5xx', status: 503 })
      const c = client({ retries: 2 })
      await expect(all(c.listVersions({ owner: 'acme', name: 'app' }))).rejects.toThrow(
        /^Could not list versions container package acme\/app: HTTP 503: Service Unavailable/
      )
      // One attempt and two retries.
      expect(c.requestCount).toBe(2 + 3)
    })
  })

  describe('rate limits', () => {
    it('tracks the primary budget and stops with a clear error when it is used up', async () => {
      const limited = await startSimulator({ seed: 3, timeScale: SCALE, rateLimits: { patPerHour: 4 } })
      try {
        const fixture = new FixtureBuilder({ owner: limited.login, name: 'p', now: NOW })
        for (let i = 0; i < 250; i++) fixture.orphan({ ageDays: i })
        limited.loadPackage(fixture.build())
        const c = new PackagesClient({
          token: limited.token,
          apiUrl: limited.apiUrl,
          timeScale: SCALE,
          dispatcher: agent,
          maxRateLimitWaitSeconds: 0
        })
        const pages: number[] = []
        const error = await (async () => {
          for await (const page of c.listVersions({ owner: limited.login, name: 'p' }))
            pages.push(page.length)
        })().catch(e => e)
        expect(pages).toEqual([100, 100, 50].slice(0, 3))
        expect(c.budget).toMatchObject({ limit: 4, remaining: 0, used: 4 })
        expect(error).toBeUndefined()
        const after = await all(c.listVersions({ owner: limited.login, name: 'p' })).catch(e => e)
        expect(after).toBeInstanceOf(RateLimitError)
        expect(after.message).toMatch(
          /rate limit of this token is used up \(4 requests\/hour\)\. It resets at .*next run/
        )
      } finally {
        await limited.close()
      }
    })
  })

  describe('the token', () => {
    it('never reaches a log line or an error message', async () => {
      const log = capture()
      const writes: string[] = []
      const out = process.stdout.write.bind(process.stdout)
      const err = process.stderr.write.bind(process.stderr)
      process.stdout.write = ((chunk: string | Uint8Array) => (
        writes.push(String(chunk)),
        true
      )) as typeof out
      process.stderr.write = ((chunk: string | Uint8Array) => (
        writes.push(String(chunk)),
        true
      )) as typeof err
      const installation = sim.issueToken({ kind: 'installation', owner: 'acme' })
      const messages: string[] = []
      try {
        sim.faults.add({ side: 'rest', kind: 'status5xx', rate: 0.2 })
        sim.faults.add({ side: 'rest', kind: 'status403secondary', rate: 0.1 })
        for (const token of [sim.token, installation]) {
          const c = client({ token }, log)
          await all(c.listVersions({ owner: 'acme', name: 'app' })).catch(e =>
            messages.push(String(e), e.stack)
          )
          await c.deleteVersion({ owner: 'acme', name: 'tools/lint' }, 1).catch(e => messages.push(String(e)))
          await all(c.listVersions({ owner: 'nobody', name: 'x' })).catch(e => messages.push(String(e)))
        }
        const bad = client({ token: 'ghp_thisTokenIsNotKnownToTheSimulator0000' }, log)
        await all(bad.listVersions({ owner: 'acme', name: 'app' })).catch(e => messages.push(String(e)))
      } finally {
        process.stdout.write = out
        process.stderr.write = err
      }
      const text = [...log.lines, ...writes, ...messages].join('\n')
      expect(log.lines.length).toBeGreaterThan(10)
      expect(messages.some(m => m.includes('GitHub rejected the token (401'))).toBe(true)
      for (const token of [sim.token, installation, 'ghp_thisTokenIsNotKnownToTheSimulator0000']) {
        expect(text).not.toContain(token)
      }
      expect(text).not.toMatch(/authorization/i)
    })
  })
})
