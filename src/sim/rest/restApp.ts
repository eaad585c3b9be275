/**
 * The REST side: authentication (`Authorization: token X` or `Bearer X`,
 * https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api), rate limits, routing.
 */
import type { SimClock } from '../clock.js'
import { header, jsonResponse, type Handler, type SimRequest, type SimResponse } from '../http.js'
import type { SimState } from '../state.js'
import type { SimToken, TokenStore } from '../tokens.js'
import { ghError, notFound } from './errors.js'
import { packagesRoute } from './packagesRoutes.js'
import type { RateIdentity, RateLimiter } from './rateLimiter.js'
import { reposRoute } from './reposRoutes.js'
import type { RestContext } from './restContext.js'
import { getAuthenticatedUser, getUser } from './usersRoutes.js'

export interface RestDeps {
  readonly state: SimState
  readonly tokens: TokenStore
  readonly limiter: RateLimiter
  readonly clock: SimClock
  readonly api: () => string
  readonly requestId: () => string
}

const ANONYMOUS = 'anonymous'

function identity(deps: RestDeps, token: SimToken | undefined): RateIdentity {
  const l = deps.limiter.limits
  if (!token) return { key: ANONYMOUS, limit: l.anonymousPerHour, label: '127.0.0.1' }
  if (token.kind === 'installation') {
    // GITHUB_TOKEN: 1,000 requests per hour per repository — one bucket per token here.
    return {
      key: `installation:${token.id}`,
      limit: token.rateLimit ?? l.installationPerHour,
      label: `installation ID ${token.id}`
    }
  }
  // A user's PATs share the user's 5,000 per hour.
  const owner = deps.state.owner(token.login!)
  return {
    key: `user:${token.login!.toLowerCase()}`,
    limit: token.rateLimit ?? l.patPerHour,
    label: `user ID ${owner?.id ?? token.id}`
  }
}

/** `token X` / `Bearer X`; undefined header → anonymous; anything unknown → 'bad'. */
function authenticate(deps: RestDeps, req: SimRequest): SimToken | undefined | 'bad' {
  const auth = header(req, 'authorization')
  if (auth === undefined) return undefined
  const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(auth)
  const token = m ? deps.tokens.get(m[1]) : undefined
  return token ?? 'bad'
}

export function restHandler(deps: RestDeps): Handler {
  return req => {
    const segs = req.rawPath.split('/').slice(1)
    if (segs.length > 1 && segs[segs.length - 1] === '') segs.pop()
    const auth = authenticate(deps, req)
    if (auth === 'bad') {
      req.route = 'unauthenticated'
      return ghError(401, 'Bad credentials')
    }
    const token = auth
    const id = identity(deps, token)
    const extra: Record<string, string | number> = {
      'x-github-request-id': deps.requestId(),
      'x-github-media-type': 'github.v3; format=json'
    }
    // Classic PATs tell their scopes on every answer (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps).
    if (token?.kind === 'pat') extra['x-oauth-scopes'] = [...token.scopes].join(', ')

    if (req.method === 'GET' && segs.length === 1 && segs[0] === 'rate_limit') {
      // "Calling this endpoint does not count against your REST API rate limit."
      req.route = 'GET /rate_limit'
      const core = deps.limiter.peek(id)
      const h = {
        'x-ratelimit-limit': core.limit,
        'x-ratelimit-remaining': core.remaining,
        'x-ratelimit-used': core.used,
        'x-ratelimit-reset': core.reset,
        'x-ratelimit-resource': 'core'
      }
      return jsonResponse(
        200,
        { resources: { core: { ...core, resource: 'core' } }, rate: { ...core, resource: 'core' } },
        { ...h, ...extra }
      )
    }

    const admission = deps.limiter.admit(id, req.method)
    req.defer(admission.release)
    const withHeaders = (res: SimResponse): SimResponse => ({
      ...res,
      headers: { ...res.headers, ...admission.headers, ...extra }
    })
    if (admission.rejection) {
      req.route = 'rate-limited'
      return withHeaders(admission.rejection)
    }
    const isPublic = req.method === 'GET' && segs.length === 2 && segs[0] === 'users'
    if (!token && !isPublic) {
      req.route = 'unauthenticated'
      return withHeaders(ghError(401, 'Requires authentication'))
    }
    const ctx: RestContext = { req, token, state: deps.state, api: deps.api(), now: deps.clock.now() }
    return withHeaders(route(ctx, segs) ?? notFound())
  }
}

function route(ctx: RestContext, segs: readonly string[]): SimResponse | undefined {
  const m = ctx.req.method
  const [first, second] = segs
  if (first === 'user') {
    if (segs.length === 1 && m === 'GET') return getAuthenticatedUser(ctx)
    if (second === 'packages') return packagesRoute(ctx, 'user', undefined, segs.slice(2))
    return undefined
  }
  if (first === 'users' && second !== undefined) {
    if (segs.length === 2 && m === 'GET') return getUser(ctx, second)
    if (segs[2] === 'packages') return packagesRoute(ctx, 'users', second, segs.slice(3))
    return undefined
  }
  if (first === 'orgs' && second !== undefined && segs[2] === 'packages') {
    return packagesRoute(ctx, 'orgs', second, segs.slice(3))
  }
  if (first === 'repos') return reposRoute(ctx, segs.slice(1))
  return undefined
}
