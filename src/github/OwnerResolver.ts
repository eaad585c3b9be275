import { AuthenticationError, NotFoundError, type TokenKind } from './errors.js'
import type { GitHubClient } from './octokit.js'

/**
 * Which family of endpoints serves an owner's packages:
 * - `self`: `/user/packages/…` — the token's own login is the owner (also lists deleted versions);
 * - `org`: `/orgs/{org}/packages/…`;
 * - `user`: `/users/{username}/packages/…` — someone else's user account, or an installation token.
 */
export interface OwnerRoute {
  readonly owner: string
  readonly kind: 'self' | 'org' | 'user'
  /** Route prefix with its placeholder, e.g. `/orgs/{org}`. */
  readonly prefix: string
  readonly params: Readonly<Record<string, string>>
  readonly tokenKind: TokenKind
}

interface RequestFailure {
  readonly status?: number
  readonly message?: string
}

/**
 * Detects each owner's type once per run. The token's login comes from `GET /user`; installation tokens
 * (GITHUB_TOKEN, GitHub App tokens) cannot read it (403), and then the owner-type endpoints are used. Nothing is
 * decided from the token's text: token formats change (snok/container-retention-policy#129).
 */
export class OwnerResolver {
  private login?: Promise<string | undefined>
  private readonly routes = new Map<string, Promise<OwnerRoute>>()

  constructor(private readonly octokit: GitHubClient) {}

  /** The token's login, or undefined when the token cannot read it. Asked at most once. */
  tokenLogin(): Promise<string | undefined> {
    this.login ??= this.octokit.request('GET /user').then(
      response => response.data.login,
      (error: RequestFailure) => {
        if (error.status === 401) throw new AuthenticationError(error.message ?? 'Bad credentials')
        if (error.status === 403 || error.status === 404) return undefined
        throw error
      }
    )
    return this.login
  }

  resolve(owner: string): Promise<OwnerRoute> {
    const key = owner.toLowerCase()
    let route = this.routes.get(key)
    if (!route) {
      route = this.lookup(owner)
      // A failed lookup is not cached: a later call may succeed after a transient error.
      route.catch(() => this.routes.delete(key))
      this.routes.set(key, route)
    }
    return route
  }

  private async lookup(owner: string): Promise<OwnerRoute> {
    const login = await this.tokenLogin()
    const tokenKind: TokenKind = login === undefined ? 'installation' : 'user'
    if (login !== undefined && login.toLowerCase() === owner.toLowerCase()) {
      return { owner, kind: 'self', prefix: '/user', params: {}, tokenKind }
    }
    let type: string
    try {
      const response = await this.octokit.request('GET /users/{username}', { username: owner })
      type = response.data.type
    } catch (error) {
      const failure = error as RequestFailure
      if (failure.status === 401) throw new AuthenticationError(failure.message ?? 'Bad credentials')
      if (failure.status === 404) {
        throw new NotFoundError(
          `Owner ${JSON.stringify(owner)}`,
          'The `owner` input must be the login of a user or an organization on this GitHub host (`api-url`).'
        )
      }
      throw error
    }
    return type === 'Organization'
      ? { owner, kind: 'org', prefix: '/orgs/{org}', params: { org: owner }, tokenKind }
      : { owner, kind: 'user', prefix: '/users/{username}', params: { username: owner }, tokenKind }
  }
}
