import { randomBytes } from 'node:crypto'
import type { ActionsAccess, SimPackage } from './simPackage.js'
import type { SimOwner } from './state.js'

/**
 * `pat`: a classic personal access token — it belongs to a login (GET /user answers it) and carries scopes
 * (read:packages, write:packages, delete:packages;
 * https://docs.github.com/en/packages/learn-github-packages/about-permissions-for-github-packages).
 * `installation`: like a workflow's GITHUB_TOKEN — no readable login (GET /user → 403 "Resource not
 * accessible by integration"), rights on a package come from the package's "Manage Actions access" role.
 */
export interface TokenSpec {
  kind: 'pat' | 'installation'
  /** PAT owner; defaults to the simulator's default login. */
  login?: string
  /** PAT scopes; default read:packages, write:packages, delete:packages, repo. */
  scopes?: readonly string[]
  /** Installation: the account (user or org) the workflow repository belongs to; default the default login. */
  owner?: string
  /** Primary hourly limit; default 5,000 (PAT) or 1,000 (GITHUB_TOKEN). */
  rateLimit?: number
}

export interface SimToken {
  readonly value: string
  readonly id: number
  readonly kind: 'pat' | 'installation'
  readonly login?: string
  readonly owner?: string
  readonly scopes: ReadonlySet<string>
  readonly rateLimit?: number
}

export const DEFAULT_PAT_SCOPES = ['read:packages', 'write:packages', 'delete:packages', 'repo'] as const

export class TokenStore {
  private readonly byValue = new Map<string, SimToken>()
  private nextId = 41_001

  issue(spec: TokenSpec, defaultLogin: string): SimToken {
    // Real prefixes (ghp_ classic PAT, ghs_ installation) so log redaction can be tested against them.
    const value = (spec.kind === 'pat' ? 'ghp_' : 'ghs_') + randomBytes(18).toString('hex')
    const token: SimToken = {
      value,
      id: this.nextId++,
      kind: spec.kind,
      login: spec.kind === 'pat' ? (spec.login ?? defaultLogin) : undefined,
      owner: spec.kind === 'installation' ? (spec.owner ?? defaultLogin) : undefined,
      scopes: new Set(spec.kind === 'pat' ? (spec.scopes ?? DEFAULT_PAT_SCOPES) : []),
      rateLimit: spec.rateLimit
    }
    this.byValue.set(value, token)
    return token
  }

  get(value: string): SimToken | undefined {
    return this.byValue.get(value)
  }

  revoke(value: string): boolean {
    return this.byValue.delete(value)
  }
}

const RANK: Record<ActionsAccess, number> = { none: 0, read: 1, write: 2, admin: 3 }

export function atLeast(have: ActionsAccess, need: ActionsAccess): boolean {
  return RANK[have] >= RANK[need]
}

/**
 * Role of a token on a package (or, `pkg` undefined, on a new package name of `owner`). Container packages
 * use granular permissions: admins of the owner manage them, a public package is readable by anyone, a
 * GITHUB_TOKEN gets the role its repository was granted
 * (https://docs.github.com/en/packages/learn-github-packages/configuring-a-packages-access-control-and-visibility).
 */
export function packageAccess(token: SimToken | undefined, owner: SimOwner, pkg?: SimPackage): ActionsAccess {
  const publicRead: ActionsAccess = pkg?.visibility === 'public' ? 'read' : 'none'
  if (!token) return publicRead
  let role: ActionsAccess = 'none'
  if (token.kind === 'pat') {
    const login = (token.login ?? '').toLowerCase()
    if (owner.type === 'User' && owner.login.toLowerCase() === login) role = 'admin'
    else if (owner.admins.has(login)) role = 'admin'
    else if (owner.members.has(login)) role = 'read'
  } else if ((token.owner ?? '').toLowerCase() === owner.login.toLowerCase()) {
    role = pkg ? pkg.actionsAccess : 'admin'
  }
  return atLeast(role, publicRead) ? role : publicRead
}

/** Classic scopes: write:packages includes read:packages (https://docs.github.com/en/packages/learn-github-packages/about-permissions-for-github-packages#about-scopes-and-permissions-for-package-registries). */
export function hasScope(token: SimToken, scope: string): boolean {
  if (token.kind !== 'pat') return true
  if (token.scopes.has(scope)) return true
  return scope === 'read:packages' && token.scopes.has('write:packages')
}
