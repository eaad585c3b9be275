/**
 * ghcr.io's token dance (Docker registry token authentication,
 * https://distribution.github.io/distribution/spec/auth/token/, as ghcr.io implements it): an anonymous
 * request gets 401 with `WWW-Authenticate: Bearer realm="…/token",service="ghcr.io",scope="repository:NAME:pull"`;
 * `GET /token?service=ghcr.io&scope=…` with HTTP Basic `user:PAT` (a Bearer PAT is refused) answers
 * `{"token": "…"}` without `expires_in`; the bearer token is then valid for the granted repositories and
 * actions only (https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-container-registry#authenticating-to-the-container-registry).
 */
import { randomBytes } from 'node:crypto'
import type { SimClock } from '../clock.js'
import { header, jsonResponse, type SimRequest, type SimResponse } from '../http.js'
import type { SimState } from '../state.js'
import { atLeast, hasScope, packageAccess, type SimToken, type TokenStore } from '../tokens.js'
import { registryError } from './errors.js'

export type RegistryAction = 'pull' | 'push'

interface Grant {
  readonly expiresAt: number
  /** Repository path (lower case) → granted actions. */
  readonly access: Map<string, Set<RegistryAction>>
}

/** The generic scope ghcr.io names in the challenge of `/v2/` (no repository yet). */
const GENERIC_SCOPE = 'repository:user/image:pull'

export interface RegistryAuthOptions {
  readonly ttlSeconds: number
  /** ghcr.io sends no `expires_in`; set to include it (other registries do). */
  readonly includeExpiresIn: boolean
}

export class RegistryAuth {
  private readonly grants = new Map<string, Grant>()
  /** Bearer tokens handed out by /token (for counters: renewals). */
  issued = 0

  constructor(
    private readonly state: SimState,
    private readonly tokens: TokenStore,
    private readonly clock: SimClock,
    private readonly registryUrl: () => string,
    private readonly options: RegistryAuthOptions
  ) {}

  challenge(repo: string | undefined, actions: readonly RegistryAction[], error?: string): string {
    const scope = repo ? `repository:${repo}:${actions.join(',')}` : GENERIC_SCOPE
    const err = error ? `,error="${error}"` : ''
    return `Bearer realm="${this.registryUrl()}/token",service="ghcr.io",scope="${scope}"${err}`
  }

  unauthorized(repo: string | undefined, actions: readonly RegistryAction[], error?: string): SimResponse {
    return registryError(401, 'UNAUTHORIZED', 'authentication required', undefined, {
      'www-authenticate': this.challenge(repo, actions, error)
    })
  }

  /** GET /token */
  tokenEndpoint(req: SimRequest): SimResponse {
    const auth = header(req, 'authorization')
    let credential: SimToken | undefined
    if (auth !== undefined) {
      const m = /^basic\s+(\S+)$/i.exec(auth)
      if (!m) return registryError(401, 'UNAUTHORIZED', 'authentication required (use HTTP Basic user:token)')
      const decoded = Buffer.from(m[1], 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      credential = colon >= 0 ? this.tokens.get(decoded.slice(colon + 1)) : undefined
      if (!credential) return registryError(401, 'UNAUTHORIZED', 'authentication required')
    }
    const access = new Map<string, Set<RegistryAction>>()
    for (const scope of req.query.getAll('scope').flatMap(s => s.split(' '))) {
      const parsed = parseScope(scope)
      if (!parsed) continue
      const granted = this.allowed(credential, parsed.repo, parsed.actions)
      if (granted.size) access.set(parsed.repo, granted)
    }
    const value = 'sim_' + randomBytes(24).toString('base64url')
    this.grants.set(value, { expiresAt: this.clock.now() + this.options.ttlSeconds * 1000, access })
    this.issued++
    const body: Record<string, unknown> = { token: value }
    if (this.options.includeExpiresIn) body.expires_in = this.options.ttlSeconds
    return jsonResponse(200, body)
  }

  /** Undefined when the bearer may do `action` on `repo`; else the 401 to send. */
  check(req: SimRequest, repo: string | undefined, action: RegistryAction): SimResponse | undefined {
    const actions: RegistryAction[] = action === 'push' ? ['pull', 'push'] : ['pull']
    const m = /^bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')
    const grant = m ? this.grants.get(m[1]) : undefined
    if (!grant || grant.expiresAt <= this.clock.now()) return this.unauthorized(repo, actions)
    if (repo === undefined) return undefined
    if (!grant.access.get(repo)?.has(action)) return this.unauthorized(repo, actions, 'insufficient_scope')
    return undefined
  }

  /** Actions a credential (undefined = anonymous) has on a repository path `owner/name…`. */
  private allowed(
    credential: SimToken | undefined,
    repo: string,
    wanted: readonly string[]
  ): Set<RegistryAction> {
    const out = new Set<RegistryAction>()
    const slash = repo.indexOf('/')
    if (slash < 0) return out
    const owner = this.state.owner(repo.slice(0, slash))
    if (!owner) return out
    const found = this.state.packageOf(owner.login, repo.slice(slash + 1))
    const pkg = found && found.deletedAt === undefined ? found : undefined
    const role = packageAccess(credential, owner, pkg)
    if (
      wanted.includes('pull') &&
      atLeast(role, 'read') &&
      (!credential || hasScope(credential, 'read:packages'))
    ) {
      out.add('pull')
    }
    if (
      wanted.includes('push') &&
      credential &&
      atLeast(role, 'write') &&
      hasScope(credential, 'write:packages')
    ) {
      out.add('push')
    }
    return out
  }
}

/** `repository:owner/repo/sub:pull,push` (names contain `/` but never `:`). */
function parseScope(scope: string): { repo: string; actions: string[] } | undefined {
  if (!scope.startsWith('repository:')) return undefined
  const rest = scope.slice('repository:'.length)
  const colon = rest.lastIndexOf(':')
  if (colon <= 0) return undefined
  return { repo: rest.slice(0, colon).toLowerCase(), actions: rest.slice(colon + 1).split(',') }
}
