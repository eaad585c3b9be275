/**
 * A loopback GHCR: GitHub's Packages REST API (apiUrl) and the ghcr.io registry (registryUrl) on two
 * 127.0.0.1 ports, sharing one state, with GitHub's rate limits and seeded, switchable faults.
 *
 * Time: simulated time runs 1/timeScale times faster than real time (see SimClock). Waits the simulator asks
 * for are in GitHub's units (`retry-after: 1` = one second); a client talking to it must sleep
 * `value * timeScale` — e.g. give the client a `sleep` that multiplies by `sim.timeScale`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sha256Digest } from '../model/Manifest.js'
import { SimClock, delay } from './clock.js'
import { faultAnswer } from './faultAnswers.js'
import { FaultController, type ActiveRule, type FaultKind } from './faults.js'
import type { FixturePackage } from './fixtures/types.js'
import type { Handler, SimRequest, SimResponse, Side, VersionChange } from './http.js'
import { RegistryMoves } from './moves.js'
import { freshSeed } from './random.js'
import { RegistryAuth } from './registry/auth.js'
import { BlobStore } from './registry/blobStore.js'
import { registryError } from './registry/errors.js'
import { registryHandler } from './registry/registryRoutes.js'
import { RateLimiter, type RateLimitOptions, type RateLimitStats } from './rest/rateLimiter.js'
import { restHandler } from './rest/restApp.js'
import { SimState, type SimOwner } from './state.js'
import { TokenStore, type TokenSpec } from './tokens.js'

export type { RateLimitOptions } from './rest/rateLimiter.js'
export type { FaultRule, FaultKind, ActiveRule } from './faults.js'
export type { TokenSpec } from './tokens.js'
export type { VersionChange } from './http.js'
export { FaultController } from './faults.js'
export { SimState } from './state.js'
export type { MoveHook, MoveTiming, FiredMove } from './moves.js'
export { RegistryMoves } from './moves.js'

export interface SimulatorOptions {
  /** Seed of the fault PRNG; logged so a failure can be replayed. Default: random. */
  seed?: number
  /** Simulated time per real time (see file comment). Default 1; tests use e.g. 0.001. */
  timeScale?: number
  /** GitHub's documented limits by default; `false` = headers only, never refuse. */
  rateLimits?: RateLimitOptions | false
  /** Lifetime of registry bearer tokens, simulated seconds. Default 300. */
  tokenTtlSeconds?: number
  /** Simulated ms added to every response (scaled by timeScale like every wait). */
  latencyMs?: number
  /**
   * Registry requests served at once; one more is refused with 429 `TOOMANYREQUESTS` (the distribution-spec's
   * error code for "too many requests", spec.md "Error Codes") and `Retry-After: registryRetryAfterSeconds`
   * (RFC 6585 §4 lets a 429 say when to come back). GHCR publishes no such number, so this emulates a
   * registry that sheds load, not ghcr.io's actual limit. Default: no limit.
   */
  registryMaxInFlight?: number
  /** `Retry-After` of those refusals, simulated seconds. Default 1. */
  registryRetryAfterSeconds?: number
  /** Login of `token` (a User owner is created for it). Default `sim-user`. */
  login?: string
  /** Simulated epoch ms at start. Default: now. */
  startTime?: number
  /** Include `expires_in` in /token answers (ghcr.io does not). Default false. */
  tokenExpiresIn?: boolean
  /** Fixed ports (the CLI); default: any free port. */
  restPort?: number
  registryPort?: number
  /** Called with the seed at start (default: nothing; the CLI prints it). */
  log?: (line: string) => void
  /**
   * Awaited after a REST version delete or restore took effect and before the answer is sent, so a backing
   * registry (src/sim/realBackend.ts) mirrors it first. A throw turns the answer into a 500.
   */
  onVersionChange?: (change: VersionChange) => void | Promise<void>
}

export interface RequestRecord {
  side: Side
  method: string
  /** Raw path with query. */
  path: string
  /** 0 when the connection was reset without an answer. */
  status: number
  /** Simulated epoch ms when the request arrived. */
  at: number
  route?: string
  fault?: FaultKind
}

export interface SimStats {
  /** `GET /orgs/{org}/packages/{package_type}/{package_name}/versions` → count (registry routes likewise). */
  requestsByRoute: Record<string, number>
  inFlight: Record<Side, number>
  maxInFlight: Record<Side, number>
  /** Requests refused by each rate limit. */
  rateLimited: RateLimitStats
  /** Registry bearer tokens issued. */
  registryTokens: number
  /** Registry requests refused with 429 for being above `registryMaxInFlight`. */
  registryTooMany: number
  /** Most registry requests served at once (refused ones not counted; `maxInFlight.registry` counts them). */
  registryMaxServed: number
}

export interface Simulator {
  apiUrl: string
  registryUrl: string
  /** A PAT of `login` with read/write/delete:packages; accepted by both sides. */
  token: string
  login: string
  state: SimState
  faults: FaultController
  /** Pushes, re-tags and deletes by others at chosen moments of a run (src/sim/moves.ts). */
  moves: RegistryMoves
  requests: RequestRecord[]
  stats: SimStats
  clock: SimClock
  timeScale: number
  seed: number
  addOwner(login: string, type: 'User' | 'Organization'): SimOwner
  loadPackage(pkg: FixturePackage): void
  /** A token for tests: a user's PAT, or an installation token (GITHUB_TOKEN-like, no readable login). */
  issueToken(spec: TokenSpec): string
  close(): Promise<void>
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

async function listen(server: Server, port: number | undefined): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // Loopback only: the simulator must never be reachable from another host.
    server.listen(port ?? 0, '127.0.0.1', () => resolve())
  })
  return (server.address() as AddressInfo).port
}

function parseIso(value: string, what: string): number {
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) throw new Error(`${what}: not an ISO-8601 date: ${JSON.stringify(value)}`)
  return ms
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const seed = opts.seed ?? freshSeed()
  const clock = new SimClock(opts.timeScale ?? 1, opts.startTime ?? Date.now())
  const state = new SimState(() => clock.now())
  const tokens = new TokenStore()
  const faults = new FaultController(seed)
  const moves = new RegistryMoves(state, () => clock.now())
  const login = opts.login ?? 'sim-user'
  state.addOwner(login, 'User')
  let apiUrl = ''
  let registryUrl = ''
  let requestCounter = 0
  const requestId = (): string =>
    `5157:${(++requestCounter).toString(16).toUpperCase()}:${seed.toString(16).toUpperCase()}`
  const limiter = new RateLimiter(clock, opts.rateLimits, requestId)
  const auth = new RegistryAuth(state, tokens, clock, () => registryUrl, {
    ttlSeconds: opts.tokenTtlSeconds ?? 300,
    includeExpiresIn: opts.tokenExpiresIn ?? false
  })
  const blobs = new BlobStore(state)
  const requests: RequestRecord[] = []
  const stats: SimStats = {
    requestsByRoute: {},
    inFlight: { rest: 0, registry: 0 },
    maxInFlight: { rest: 0, registry: 0 },
    rateLimited: limiter.rejections,
    get registryTokens() {
      return auth.issued
    },
    registryTooMany: 0,
    registryMaxServed: 0
  }
  let registryServed = 0
  const handlers: Record<Side, Handler> = {
    rest: restHandler({ state, tokens, limiter, clock, api: () => apiUrl, requestId }),
    registry: registryHandler({ state, auth, blobs, clock })
  }
  const latencyMs = opts.latencyMs ?? 0

  async function serve(side: Side, raw: IncomingMessage, out: ServerResponse): Promise<void> {
    const deferred: (() => void)[] = []
    // A client that hangs up mid-answer (or a reset fault) must not take the simulator down.
    raw.on('error', () => {})
    out.on('error', () => {})
    stats.inFlight[side]++
    stats.maxInFlight[side] = Math.max(stats.maxInFlight[side], stats.inFlight[side])
    let served = false
    const url = raw.url ?? '/'
    const q = url.indexOf('?')
    const record: RequestRecord = {
      side,
      method: raw.method ?? 'GET',
      path: url,
      status: 0,
      at: Math.round(clock.now())
    }
    try {
      const body = await readBody(raw)
      const req: SimRequest = {
        side,
        method: record.method,
        rawPath: q < 0 ? url : url.slice(0, q),
        query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
        headers: raw.headers,
        body,
        defer: fn => deferred.push(fn)
      }
      if (side === 'registry') {
        if (opts.registryMaxInFlight !== undefined && registryServed >= opts.registryMaxInFlight) {
          stats.registryTooMany++
          const refusal = registryError(429, 'TOOMANYREQUESTS', 'too many requests', undefined, {
            'retry-after': opts.registryRetryAfterSeconds ?? 1
          })
          await delay(clock.realMs(latencyMs))
          record.status = refusal.status
          write(out, record.method, refusal, false)
          return
        }
        served = true
        registryServed++
        stats.registryMaxServed = Math.max(stats.registryMaxServed, registryServed)
      }
      const fired = faults.draw(side, record.method, url)
      let extraLatency = latencyMs
      for (const r of fired) if (r.kind === 'latency') extraLatency += r.latencyMs ?? 0
      const fault = fired.find(r => r.kind !== 'latency')
      if (fault) record.fault = fault.kind
      else if (fired.length) record.fault = 'latency'
      const after =
        fault &&
        (fault.kind === 'status502AfterEffect' ||
          fault.kind === 'truncate' ||
          fault.kind === 'wrongDigest' ||
          (fault.kind === 'reset' && fault.afterEffect))
      let res: SimResponse | undefined
      if (fault && !after) {
        if (fault.kind === 'reset') {
          await delay(clock.realMs(extraLatency))
          raw.socket.destroy()
          return
        }
        res = faultAnswer(fault, side, req, fault.status ?? faults.pickStatus(), auth)
      }
      if (!res) {
        moves.run('before', side, record.method, url, undefined)
        res = await handlers[side](req)
        moves.run('after', side, record.method, url, res)
      }
      if (req.versionChange && opts.onVersionChange) await opts.onVersionChange(req.versionChange)
      record.route = req.route
      if (fault && after) res = applyAfter(fault, side, req, res)
      await delay(clock.realMs(extraLatency))
      if (fault?.kind === 'reset') {
        raw.socket.destroy()
        return
      }
      record.status = res.status
      write(out, record.method, res, fault?.kind === 'truncate')
    } catch (e) {
      record.status = 500
      if (!out.headersSent) {
        out.writeHead(500, { 'content-type': 'text/plain' })
        out.end(`simulator error: ${(e as Error).message}`)
      }
    } finally {
      stats.inFlight[side]--
      if (served) registryServed--
      for (const fn of deferred) fn()
      const route = `${record.side}:${record.route ?? 'unmatched'}`
      stats.requestsByRoute[route] = (stats.requestsByRoute[route] ?? 0) + 1
      requests.push(record)
    }
  }

  function applyAfter(fault: ActiveRule, side: Side, req: SimRequest, res: SimResponse): SimResponse {
    if (fault.kind === 'status502AfterEffect') return faultAnswer(fault, side, req, 502, auth)!
    if (fault.kind === 'wrongDigest' && res.manifest && res.body) {
      if (fault.variant === 'header') {
        return {
          ...res,
          headers: {
            ...res.headers,
            'docker-content-digest': sha256Digest(Buffer.concat([res.body, Buffer.from('x')]))
          }
        }
      }
      // Still valid JSON, different bytes: only a client that hashes what it got notices.
      return {
        ...res,
        body: Buffer.concat([res.body.subarray(0, 1), Buffer.from(' '), res.body.subarray(1)])
      }
    }
    return res
  }

  const servers = {
    rest: createServer((req, res) => void serve('rest', req, res)),
    registry: createServer((req, res) => void serve('registry', req, res))
  }
  const restPort = await listen(servers.rest, opts.restPort)
  const registryPort = await listen(servers.registry, opts.registryPort)
  apiUrl = `http://127.0.0.1:${restPort}`
  registryUrl = `http://127.0.0.1:${registryPort}`
  opts.log?.(`ghcr simulator: seed ${seed}, timeScale ${clock.timeScale}`)

  const sim: Simulator = {
    apiUrl,
    registryUrl,
    token: tokens.issue({ kind: 'pat' }, login).value,
    login,
    state,
    faults,
    moves,
    requests,
    stats,
    clock,
    timeScale: clock.timeScale,
    seed,
    addOwner(ownerLogin, type) {
      // The simulator's own user administers every organization it is told about (an org owner).
      return state.addOwner(ownerLogin, type, type === 'Organization' ? [login] : [])
    },
    loadPackage(fixture) {
      loadFixture(sim, fixture)
    },
    issueToken(spec) {
      if (spec.kind === 'pat' && spec.login && !state.owner(spec.login)) state.addOwner(spec.login, 'User')
      return tokens.issue(spec, login).value
    },
    async close() {
      for (const s of [servers.rest, servers.registry]) {
        s.closeAllConnections()
        await new Promise<void>(resolve => s.close(() => resolve()))
      }
    }
  }
  return sim
}

function write(out: ServerResponse, method: string, res: SimResponse, truncate: boolean): void {
  const body = res.body ?? Buffer.alloc(0)
  const headers: Record<string, string | number> = { ...res.headers }
  delete headers['content-length']
  if (res.status !== 204 && res.status !== 304) headers['content-length'] = body.length
  out.writeHead(res.status, headers)
  if (method === 'HEAD' || body.length === 0) {
    out.end()
    return
  }
  if (truncate) {
    // The promised Content-Length, half the bytes, then the connection goes away.
    out.write(body.subarray(0, Math.floor(body.length / 2)), () => out.destroy())
    return
  }
  out.end(body)
}

/**
 * Loads a fixture package: versions get increasing ids in creation order (as GitHub assigns them), a tag
 * named by several manifests ends on the newest one, blobs become pullable.
 */
function loadFixture(sim: Simulator, fixture: FixturePackage): void {
  const { state } = sim
  const owner = state.owner(fixture.owner) ?? sim.addOwner(fixture.owner, 'Organization')
  const order = fixture.manifests
    .map((m, i) => ({ m, i, created: parseIso(m.createdAt, `${fixture.name} ${m.digest} createdAt`) }))
    .sort((a, b) => a.created - b.created || a.i - b.i)
  let pkg = state.packageOf(owner.login, fixture.name)
  if (!pkg || pkg.deletedAt !== undefined) {
    pkg = state.createPackage(owner, fixture.name, fixture.visibility, order[0]?.created ?? sim.clock.now())
  }
  pkg.visibility = fixture.visibility
  for (const [digest, bytes] of fixture.blobs) pkg.blobs.set(digest, bytes)
  for (const { m, created } of order) {
    const actual = sha256Digest(m.bytes)
    if (actual !== m.digest)
      throw new Error(`fixture ${fixture.owner}/${fixture.name}: manifest ${m.digest} hashes to ${actual}`)
    const updated = parseIso(m.updatedAt, `${fixture.name} ${m.digest} updatedAt`)
    const existing = pkg.resolve(m.digest)
    const v = existing ?? pkg.addVersion(state.allocateVersionId(), m.digest, m.bytes, m.mediaType, created)
    v.updatedAt = Math.max(v.updatedAt, updated)
    v.downloads += m.downloads ?? 0
    for (const tag of m.tags) pkg.setTag(tag, v, updated)
  }
}
