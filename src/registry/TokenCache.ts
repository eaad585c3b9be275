/** A bearer token as the realm issued it. */
export interface IssuedToken {
  readonly token: string
  /** Seconds, from `expires_in`; absent when the realm does not say. */
  readonly expiresIn?: number
}

interface Entry {
  readonly token: string
  /** Real epoch ms after which the token is renewed before use. */
  readonly renewAt: number
}

/**
 * The distribution token spec says a token without `expires_in` lasts 60 seconds
 * (distribution.github.io/distribution/spec/auth/token/#token-response-fields); ghcr.io sends none.
 */
export const DEFAULT_TOKEN_SECONDS = 60

/**
 * Bearer tokens per scope key, renewed shortly before they expire and coalesced: concurrent requests for a
 * missing or stale token share one token request. Lifetimes are in the server's seconds and multiplied by
 * `timeScale`, like every other wait the clients derive from the server.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>()
  private readonly pending = new Map<string, Promise<string>>()

  constructor(
    private readonly timeScale = 1,
    private readonly now: () => number = Date.now
  ) {}

  /** A valid token for `key`, fetching one (once, however many callers wait) when none is fresh. */
  get(key: string, issue: () => Promise<IssuedToken>): Promise<string> {
    const entry = this.entries.get(key)
    if (entry && this.now() < entry.renewAt) return Promise.resolve(entry.token)
    let pending = this.pending.get(key)
    if (!pending) {
      pending = issue().then(
        issued => {
          this.entries.set(key, { token: issued.token, renewAt: this.renewAt(issued) })
          this.pending.delete(key)
          return issued.token
        },
        (error: unknown) => {
          this.pending.delete(key)
          throw error
        }
      )
      this.pending.set(key, pending)
    }
    return pending
  }

  /** Forget `token` after the registry refused it (401); a newer token fetched meanwhile is kept. */
  invalidate(key: string, token: string): void {
    if (this.entries.get(key)?.token === token) this.entries.delete(key)
  }

  /** Renew when a quarter of the lifetime (at most 30 s) is left, so a token never expires in flight. */
  private renewAt(issued: IssuedToken): number {
    const seconds =
      issued.expiresIn !== undefined && Number.isFinite(issued.expiresIn) && issued.expiresIn > 0
        ? issued.expiresIn
        : DEFAULT_TOKEN_SECONDS
    const margin = Math.min(30, seconds / 4)
    return this.now() + (seconds - margin) * 1000 * this.timeScale
  }
}
