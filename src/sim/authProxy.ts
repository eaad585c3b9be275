/**
 * A ghcr.io-style front for a registry that has no auth of its own (Debian's docker-registry as the tests run
 * it): the Docker token dance on loopback, everything else forwarded verbatim.
 *
 * - Any request without a valid bearer → 401 `WWW-Authenticate: Bearer realm="<proxy>/token",service="ghcr.io",
 *   scope="repository:<repo>:pull"` (ghcr.io names a generic scope for `/v2/`), as in the Docker token
 *   authentication spec (https://distribution.github.io/distribution/spec/auth/token/) and ghcr.io's
 *   "Authenticating to the Container registry"
 *   (https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-container-registry#authenticating-to-the-container-registry).
 * - `GET /token?scope=…` with HTTP Basic `user:<accepted token>` → `{"token": "…"}`, no `expires_in` (ghcr.io
 *   sends none); the bearer grants pull on the repositories named in `scope`.
 * - `DELETE /v2/…/manifests/…` → 405 UNSUPPORTED: ghcr.io deletes only through the Packages REST API
 *   (shared/DESIGN.md §8), so the only way to delete here is the simulator's REST side.
 */
import { randomBytes } from 'node:crypto'
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface AuthProxyOptions {
  /** The registry to forward to, e.g. `http://127.0.0.1:5000` (loopback, plain HTTP). */
  readonly upstream: string
  /** Whether a password sent to `/token` is a valid token (e.g. the simulator's PAT). */
  readonly acceptPassword: (password: string) => boolean
}

export interface ProxyRecord {
  readonly method: string
  readonly path: string
  readonly status: number
  /** `token`, `challenge` (401), `refused` (405 delete) or `forwarded`. */
  readonly kind: 'token' | 'challenge' | 'refused' | 'forwarded'
}

export interface AuthProxy {
  /** `http://127.0.0.1:<port>`: give it to the action as `registry-url`. */
  readonly url: string
  readonly requests: readonly ProxyRecord[]
  /** Bearer tokens handed out. */
  readonly tokensIssued: number
  close(): Promise<void>
}

const GENERIC_SCOPE = 'repository:user/image:pull'

/** `/v2/<name>/(manifests|blobs|tags|referrers)/…` → `<name>`; undefined for `/v2/` and `_catalog`. */
function repositoryOf(path: string): string | undefined {
  const m = /^\/v2\/(.+?)\/(?:manifests|blobs|tags|referrers)\//.exec(path)
  return m?.[1]
}

function scopesOf(query: URLSearchParams): Set<string> {
  const repos = new Set<string>()
  for (const scope of query.getAll('scope').flatMap(s => s.split(' '))) {
    const m = /^repository:(.+):([a-z,*]+)$/.exec(scope)
    if (m && m[2].split(',').includes('pull')) repos.add(m[1].toLowerCase())
  }
  return repos
}

function sendJson(
  out: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const bytes = Buffer.from(JSON.stringify(body))
  out.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': bytes.length,
    'docker-distribution-api-version': 'registry/2.0',
    ...headers
  })
  out.end(bytes)
}

function basicPassword(header: string | undefined): string | undefined {
  const m = /^basic\s+(\S+)$/i.exec(header ?? '')
  if (!m) return undefined
  const decoded = Buffer.from(m[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon >= 0 ? decoded.slice(colon + 1) : undefined
}

export async function startAuthProxy(options: AuthProxyOptions): Promise<AuthProxy> {
  const upstream = new URL(options.upstream)
  if (upstream.protocol !== 'http:')
    throw new Error(`auth proxy: upstream ${options.upstream} is not http://`)
  const grants = new Map<string, Set<string>>()
  const requests: ProxyRecord[] = []
  let url = ''
  let issued = 0

  const challenge = (repo: string | undefined, error?: string): Record<string, string> => ({
    'www-authenticate':
      `Bearer realm="${url}/token",service="ghcr.io",scope="${repo ? `repository:${repo}:pull` : GENERIC_SCOPE}"` +
      (error ? `,error="${error}"` : '')
  })

  const handle = (req: IncomingMessage, out: ServerResponse): void => {
    req.on('error', () => {})
    out.on('error', () => {})
    const method = req.method ?? 'GET'
    const raw = req.url ?? '/'
    const q = raw.indexOf('?')
    const path = q < 0 ? raw : raw.slice(0, q)
    const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1))
    const record = (status: number, kind: ProxyRecord['kind']) =>
      requests.push({ method, path: raw, status, kind })

    if (path === '/token' && method === 'GET') {
      const password = basicPassword(req.headers.authorization)
      if (password === undefined || !options.acceptPassword(password)) {
        record(401, 'token')
        sendJson(out, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] })
        return
      }
      const token = 'proxy_' + randomBytes(24).toString('base64url')
      grants.set(token, scopesOf(query))
      issued++
      record(200, 'token')
      sendJson(out, 200, { token })
      return
    }

    const repo = repositoryOf(path)
    const bearer = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
    const grant = bearer === undefined ? undefined : grants.get(bearer)
    if (!grant || (repo !== undefined && !grant.has(repo.toLowerCase()))) {
      record(401, 'challenge')
      req.resume()
      sendJson(
        out,
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
        challenge(repo, grant ? 'insufficient_scope' : undefined)
      )
      return
    }
    if (method === 'DELETE' && /\/manifests\//.test(path)) {
      record(405, 'refused')
      req.resume()
      sendJson(out, 405, {
        errors: [{ code: 'UNSUPPORTED', message: 'The operation is unsupported.' }]
      })
      return
    }

    // Verbatim: method, path, headers (minus our bearer), streamed body both ways.
    const headers = { ...req.headers, host: upstream.host }
    delete headers.authorization
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method, path: raw, headers },
      res => {
        const answer = { ...res.headers }
        // Upload sessions answer an absolute Location on the upstream: keep the client on the proxy.
        if (typeof answer.location === 'string' && answer.location.startsWith(upstream.origin)) {
          answer.location = url + answer.location.slice(upstream.origin.length)
        }
        record(res.statusCode ?? 502, 'forwarded')
        out.writeHead(res.statusCode ?? 502, answer)
        res.pipe(out)
      }
    )
    forward.on('error', error => {
      record(502, 'forwarded')
      if (!out.headersSent) sendJson(out, 502, { errors: [{ code: 'UNAVAILABLE', message: error.message }] })
      else out.destroy()
    })
    req.pipe(forward)
  }

  const server: Server = createServer(handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // Loopback only, like the simulator.
    server.listen(0, '127.0.0.1', () => resolve())
  })
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    requests,
    get tokensIssued() {
      return issued
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
