import type { Dispatcher } from 'undici'
import { parseManifest, sha256Digest, type Manifest } from '../model/Manifest.js'
import { MANIFEST_ACCEPT } from '../model/MediaType.js'
import { DIGEST_RE } from '../model/PackageVersion.js'
import type { ManifestFact } from '../model/ManifestFact.js'
import { silentLogger, type Logger } from '../log/Logger.js'
import { DEFAULT_RETRY_POLICY, sendWithRetry, type RetryPolicy } from '../http/retry.js'
import {
  createBufferedRequest,
  type BufferedRequest,
  type BufferedResponse
} from '../http/bufferedRequest.js'
import { DEFAULT_TIMEOUT_MS, USER_AGENT } from '../http/transport.js'
import { AdaptiveConcurrency, MAX_CONCURRENCY, START_CONCURRENCY } from './AdaptiveConcurrency.js'
import { registryAuthFrom, type BearerChallenge, type RegistryAuth } from './challenge.js'
import type { ManifestSource } from './ManifestSource.js'
import { describeRegistryErrors, RegistryError } from './RegistryError.js'
import { TokenCache, type IssuedToken } from './TokenCache.js'
import { RawManifestStore } from './RawManifestStore.js'

export interface RegistryClientOptions {
  /** e.g. `https://ghcr.io`; tests point it at the simulator. */
  readonly registryUrl: string
  /** User name for Basic auth at the token realm (ghcr.io accepts any; the action passes github.actor). */
  readonly username?: string
  /** The GitHub token; sent only to the registry's own origin or a trusted realm, never elsewhere. */
  readonly password?: string
  /**
   * The most registry requests in flight at once (input `max-concurrency`). Default 64. The client starts at
   * min(16, this) and adapts to the registry's answers below it (AdaptiveConcurrency).
   */
  readonly concurrency?: number
  readonly logger?: Logger
  /** Multiplies every wait (backoff, Retry-After, token lifetime); 1 in production. */
  readonly timeScale?: number
  /** Per-request limit in ms. Default 30 s. */
  readonly timeoutMs?: number
  /** Retries per request for transport failures, 429 and 5xx. Default 4. */
  readonly retries?: number
  /** Token realm origins besides the registry's own that may receive the credentials. */
  readonly trustedRealmOrigins?: readonly string[]
  /** Called with every bearer token a realm issues (the action passes core.setSecret). */
  readonly onSecret?: (value: string) => void
  readonly dispatcher?: Dispatcher
  readonly random?: () => number
  /** Epoch ms for token lifetimes; injected by tests that move time. */
  readonly now?: () => number
}

/** Requests by kind, retries included (what the benchmark compares with the §9 minimum). */
export interface RegistryStats {
  pings: number
  tokens: number
  manifestGets: number
  manifestHeads: number
  manifestPuts: number
  /** `GET /v2/<name>/tags/list` pages (the write barrier). */
  tagLists: number
}

/** What a HEAD of a manifest tells without downloading it. */
export interface ManifestHead {
  readonly digest?: string
  readonly mediaType?: string
  readonly size?: number
}

/** Manifest bytes as served, for a cross-run cache or to build an untag placeholder from. */
export interface RawManifest {
  readonly digest: string
  readonly bytes: Uint8Array
  readonly contentType?: string
}

type Actions = 'pull' | 'pull,push'
type Kind = keyof RegistryStats

const REFUSED_READ = 'the registry refused to serve manifests of'
const READ_HINT =
  'The token needs read:packages and read access to the package (GITHUB_TOKEN: the repository needs access in ' +
  'the package settings, Manage Actions access).'
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/

/**
 * OCI distribution client for manifests (see ManifestSource). Authentication follows the registry's own
 * challenge: `GET /v2/` once, then a pull-scoped bearer token per repository from the challenge's realm (Basic
 * auth with the GitHub token), renewed before it expires and again on a 401; a registry without auth works as
 * is. Manifests by digest are verified (sha256 of the body) and remembered for the run: no digest is read
 * twice, and concurrent asks for one digest share one request.
 */
export class RegistryClient implements ManifestSource {
  readonly stats: RegistryStats = {
    pings: 0,
    tokens: 0,
    manifestGets: 0,
    manifestHeads: 0,
    manifestPuts: 0,
    tagLists: 0
  }
  private readonly base: string
  private readonly origin: string
  private readonly transport: BufferedRequest
  private readonly limiter: AdaptiveConcurrency
  private readonly tokens: TokenCache
  private readonly logger: Logger
  private readonly policy: RetryPolicy
  private auth?: Promise<RegistryAuth | undefined>
  private realmWarned = false
  /** Verified manifests by digest (content-addressed: valid in any repository). */
  private readonly verified = new RawManifestStore()
  /** Fetches of this run by repository@digest: in flight, or answered "not found" (not asked again). */
  private readonly facts = new Map<string, Promise<ManifestFact>>()

  constructor(private readonly options: RegistryClientOptions) {
    const url = new URL(options.registryUrl)
    this.base = url.href.replace(/\/+$/, '')
    this.origin = url.origin
    this.logger = options.logger ?? silentLogger
    this.limiter = new AdaptiveConcurrency({
      ceiling: options.concurrency ?? MAX_CONCURRENCY,
      start: START_CONCURRENCY,
      timeScale: options.timeScale ?? 1,
      maxPauseMs: DEFAULT_RETRY_POLICY.maxRetryAfterMs,
      logger: this.logger
    })
    this.tokens = new TokenCache(options.timeScale ?? 1, options.now)
    this.policy = {
      ...DEFAULT_RETRY_POLICY,
      retries: options.retries ?? DEFAULT_RETRY_POLICY.retries,
      timeScale: options.timeScale ?? 1,
      random: options.random,
      logger: this.logger
    }
    this.transport = createBufferedRequest({
      dispatcher: options.dispatcher,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    })
  }

  /** Registry requests sent so far: pings, token requests, manifest reads and writes, retries included. */
  get requestCount(): number {
    const s = this.stats
    return s.pings + s.tokens + s.manifestGets + s.manifestHeads + s.manifestPuts + s.tagLists
  }

  /** Registry requests allowed at once now, and the most allowed so far this run. */
  get concurrency(): { readonly current: number; readonly peak: number } {
    return { current: this.limiter.current, peak: this.limiter.peak }
  }

  fetchManifest(repository: string, digest: string): Promise<ManifestFact> {
    if (!DIGEST_RE.test(digest)) {
      return Promise.resolve({ ok: false, reason: `${JSON.stringify(digest)} is not a sha256 digest` })
    }
    const known = this.verified.manifest(digest)
    if (known) return Promise.resolve({ ok: true, manifest: known })
    const key = `${repository}@${digest}`
    let fact = this.facts.get(key)
    if (!fact) {
      fact = this.limiter.run(() => this.readManifest(repository, digest))
      this.facts.set(key, fact)
      // A failure other than "not found" may pass (faults, a token that expired): a later ask reads again.
      // A success is in `verified` from now on: only "not found" stays here (55,000 reads at 100,000 versions).
      void fact.then(f => {
        if ((f.ok || !f.notFound) && this.facts.get(key) === fact) this.facts.delete(key)
      })
    }
    return fact
  }

  /** Verified bytes of a manifest this run has read (or was primed with). */
  rawManifest(digest: string): RawManifest | undefined {
    return this.verified.raw(digest)
  }

  /** Every verified manifest of this run, e.g. to save as a cross-run cache. */
  rawManifests(): RawManifest[] {
    return [...this.verified.raws()]
  }

  /**
   * Seeds the run with manifests from an earlier run. Each is verified and parsed again: a cache is input, and
   * an entry whose bytes do not hash to its digest is dropped. Returns how many were accepted.
   */
  prime(entries: Iterable<RawManifest>): number {
    let accepted = 0
    for (const entry of entries) {
      if (!DIGEST_RE.test(entry.digest) || sha256Digest(entry.bytes) !== entry.digest) continue
      try {
        this.remember(parseManifest(entry.bytes, entry.contentType, entry.digest), entry)
        accepted++
      } catch {
        // An entry we cannot parse is simply read again if it is needed.
      }
    }
    return accepted
  }

  async headManifest(repository: string, reference: string): Promise<ManifestHead | undefined> {
    const response = await this.limiter.run(() =>
      this.send(repository, 'manifestHeads', 'HEAD', `manifests/${reference}`, 'pull', {
        accept: MANIFEST_ACCEPT
      })
    )
    if (response.status === 404) return undefined
    if (!response.ok) throw await this.failure(`HEAD ${repository}:${reference}`, response)
    const length = Number(response.headers.get('content-length'))
    const digest = response.headers.get('docker-content-digest') ?? undefined
    const mediaType = response.headers.get('content-type')?.split(';')[0].trim() || undefined
    return {
      ...(digest && DIGEST_RE.test(digest) ? { digest } : {}),
      ...(mediaType ? { mediaType } : {}),
      ...(Number.isFinite(length) && length > 0 ? { size: length } : {})
    }
  }

  async hasManifest(repository: string, digest: string): Promise<boolean> {
    return (await this.headManifest(repository, digest)) !== undefined
  }

  /**
   * The digest a tag points at now. HEAD answers it in `Docker-Content-Digest`; a registry that omits the
   * header is asked with GET, and the digest is computed from the bytes (which are then cached by it).
   */
  async resolveTag(repository: string, tag: string): Promise<string | undefined> {
    checkTag(tag)
    const head = await this.headManifest(repository, tag)
    if (!head) return undefined
    if (head.digest) return head.digest
    const response = await this.limiter.run(() =>
      this.send(repository, 'manifestGets', 'GET', `manifests/${tag}`, 'pull', { accept: MANIFEST_ACCEPT })
    )
    if (response.status === 404) return undefined
    if (!response.ok) throw await this.failure(`GET ${repository}:${tag}`, response)
    const bytes = new Uint8Array(await response.arrayBuffer())
    const digest = sha256Digest(bytes)
    this.prime([{ digest, bytes, contentType: response.headers.get('content-type') ?? undefined }])
    return digest
  }

  /**
   * Every tag of the repository now, from `GET /v2/<name>/tags/list` (distribution-spec "Listing Tags"):
   * `n` tags a page, the next page from the `Link: <…>; rel="next"` header, followed only while it names this
   * repository's tag list on this registry (credentials never go elsewhere). A registry that sends no Link
   * but a full page is asked again with `last`; a page that brings no tag after `last` ends the listing.
   */
  async listTags(repository: string, pageSize = TAG_PAGE): Promise<string[]> {
    const tags: string[] = []
    const seen = new Set<string>()
    let query = `n=${pageSize}`
    for (let page = 1; page <= MAX_TAG_PAGES; page++) {
      const response = await this.limiter.run(() =>
        this.send(repository, 'tagLists', 'GET', `tags/list?${query}`, 'pull', { accept: 'application/json' })
      )
      if (response.status === 404) return tags
      if (!response.ok) throw await this.failure(`GET ${repository} tags/list`, response)
      const body = (await response.json().catch(() => undefined)) as { tags?: unknown } | undefined
      // An empty repository may answer `"tags": null`.
      if (typeof body !== 'object' || body === null || (body.tags != null && !Array.isArray(body.tags))) {
        throw new RegistryError(`GET ${repository} tags/list: the answer is not {"tags": [...]}`)
      }
      const pageTags = Array.isArray(body.tags)
        ? body.tags.filter((t): t is string => typeof t === 'string')
        : []
      let fresh = 0
      for (const t of pageTags) {
        if (seen.has(t)) continue
        seen.add(t)
        tags.push(t)
        fresh++
      }
      const next = nextTagPage(response.headers.get('link'), this.base, repository)
      if (next !== undefined) query = next
      else if (pageTags.length >= pageSize && fresh > 0)
        query = `n=${pageSize}&last=${encodeURIComponent(pageTags[pageTags.length - 1])}`
      else return tags
      if (fresh === 0) return tags
    }
    throw new RegistryError(`GET ${repository} tags/list: more than ${MAX_TAG_PAGES} pages; stopped`)
  }

  /** PUT under a tag with a push-scoped token; the digest is the sha256 of `body`, confirmed by the registry. */
  async putManifest(repository: string, tag: string, body: Uint8Array, mediaType: string): Promise<string> {
    checkTag(tag)
    const digest = sha256Digest(body)
    const response = await this.limiter.run(() =>
      this.send(repository, 'manifestPuts', 'PUT', `manifests/${tag}`, 'pull,push', {
        contentType: mediaType,
        body
      })
    )
    if (!response.ok) throw await this.failure(`PUT ${repository}:${tag}`, response)
    const stored = response.headers.get('docker-content-digest')
    if (stored && stored !== digest) {
      throw new RegistryError(
        `PUT ${repository}:${tag}: the registry reports digest ${stored} for a body whose sha256 is ${digest}`
      )
    }
    this.prime([{ digest, bytes: body, contentType: mediaType }])
    return digest
  }

  private async readManifest(repository: string, digest: string): Promise<ManifestFact> {
    // A body that does not hash to its digest may be a cut-off transfer: one more read decides.
    for (let attempt = 1; ; attempt++) {
      let response: BufferedResponse
      try {
        response = await this.send(repository, 'manifestGets', 'GET', `manifests/${digest}`, 'pull', {
          accept: MANIFEST_ACCEPT
        })
      } catch (error) {
        return {
          ok: false,
          reason: `registry read failed: ${error instanceof Error ? error.message : String(error)}`
        }
      }
      const bytes = response.bytes
      if (!response.ok) {
        const detail = describeRegistryErrors(bytes)
        return response.status === 404
          ? {
              ok: false,
              reason: `the registry has no manifest ${digest} in ${repository}${detail ? ` (${detail})` : ''}`,
              notFound: true
            }
          : {
              ok: false,
              reason:
                response.status === 401 || response.status === 403
                  ? `${REFUSED_READ} ${repository} (HTTP ${response.status}${detail ? `: ${detail}` : ''}). ${READ_HINT}`
                  : `the registry answered HTTP ${response.status}${detail ? ` (${detail})` : ''}`
            }
      }
      const actual = sha256Digest(bytes)
      if (actual !== digest) {
        if (attempt < 2) {
          this.logger.debug(`registry: body for ${repository}@${digest} hashes to ${actual}; reading again`)
          continue
        }
        return {
          ok: false,
          reason: `the registry's body for ${digest} hashes to ${actual}; it was rejected, not used`
        }
      }
      const contentType = response.headers.get('content-type') ?? undefined
      try {
        const manifest = parseManifest(bytes, contentType, digest)
        this.remember(manifest, { digest, bytes, contentType })
        return { ok: true, manifest }
      } catch (error) {
        // The bytes are verified, so the type the registry gave them is trustworthy: it tells the planner
        // whether this version could reference others at all.
        const mediaType = contentType?.split(';')[0].trim()
        return {
          ok: false,
          reason: `the manifest cannot be read: ${(error as Error).message}`,
          ...(mediaType ? { mediaType } : {})
        }
      }
    }
  }

  private remember(manifest: Manifest, raw: RawManifest): void {
    this.verified.add(manifest, raw)
  }

  /**
   * One registry request with authentication and retries. A 401 with a challenge (expired or revoked token,
   * or a repository that needs auth although `/v2/` did not) renews the credentials and repeats the request
   * once; a second 401 is returned to the caller.
   */
  private async send(
    repository: string,
    kind: Kind,
    method: 'GET' | 'HEAD' | 'PUT',
    path: string,
    actions: Actions,
    request: { accept?: string; contentType?: string; body?: Uint8Array }
  ): Promise<BufferedResponse> {
    const url = `${this.base}/v2/${repository}/${path}`
    for (let renewed = false; ; renewed = true) {
      const auth = await this.authentication()
      const credential = await this.credential(auth, repository, actions)
      const headers: Record<string, string> = { 'user-agent': USER_AGENT }
      if (request.accept) headers.accept = request.accept
      if (request.contentType) headers['content-type'] = request.contentType
      if (credential) headers.authorization = credential.header
      const response = await this.attempt(kind, `${method} ${url}`, () =>
        this.transport(url, { method, headers, body: request.body })
      )
      if (response.status !== 401 || renewed) return response
      const fresh = registryAuthFrom(response.headers.get('www-authenticate'))
      if (!fresh || (fresh.kind === 'bearer' && fresh.challenge.error === 'insufficient_scope'))
        return response
      this.logger.debug(`registry: 401 on ${method} ${url}; renewing credentials`)
      if (credential?.token) this.tokens.invalidate(credential.key, credential.token)
      this.auth = Promise.resolve(fresh)
    }
  }

  private attempt(
    kind: Kind,
    what: string,
    send: () => Promise<BufferedResponse>
  ): Promise<BufferedResponse> {
    return sendWithRetry(
      what,
      true,
      async () => {
        this.stats[kind]++
        const sentIn = this.limiter.window()
        const response = await send()
        this.limiter.learn(response, sentIn)
        this.logger.debug(`registry: ${what} → ${response.status}`)
        return response
      },
      this.policy
    )
  }

  /** How the registry wants to be authenticated, from `GET /v2/` (asked once per run). */
  private authentication(): Promise<RegistryAuth | undefined> {
    this.auth ??= (async () => {
      const url = `${this.base}/v2/`
      const response = await this.attempt('pings', `GET ${url}`, () =>
        this.transport(url, { headers: { 'user-agent': USER_AGENT } })
      )
      if (response.ok) return undefined
      const auth =
        response.status === 401 ? registryAuthFrom(response.headers.get('www-authenticate')) : undefined
      if (!auth) {
        throw new RegistryError(
          `${this.base} does not answer like a container registry: GET /v2/ → HTTP ${response.status}` +
            (response.status === 401 ? ' without a usable WWW-Authenticate challenge' : '') +
            '. Check `registry-url`.',
          response.status
        )
      }
      return auth
    })()
    // A failed ping is not remembered: the next request asks again.
    this.auth.catch(() => (this.auth = undefined))
    return this.auth
  }

  private async credential(
    auth: RegistryAuth | undefined,
    repository: string,
    actions: Actions
  ): Promise<{ header: string; key: string; token?: string } | undefined> {
    if (!auth) return undefined
    if (auth.kind === 'basic') {
      const basic = this.basic()
      return basic ? { header: basic, key: 'basic' } : undefined
    }
    const scope = `repository:${repository}:${actions}`
    const key = `${auth.challenge.realm} ${auth.challenge.service ?? ''} ${scope}`
    const token = await this.tokens.get(key, () => this.issueToken(auth.challenge, scope))
    return { header: `Bearer ${token}`, key, token }
  }

  private basic(): string | undefined {
    if (this.options.password === undefined || this.options.password === '') return undefined
    const user = this.options.username || 'token'
    return 'Basic ' + Buffer.from(`${user}:${this.options.password}`).toString('base64')
  }

  /** GET realm?service=…&scope=… (distribution token spec); credentials only to a trusted realm. */
  private async issueToken(challenge: BearerChallenge, scope: string): Promise<IssuedToken> {
    let realm: URL
    try {
      realm = new URL(challenge.realm)
    } catch {
      throw new RegistryError(`the registry's token realm ${JSON.stringify(challenge.realm)} is not a URL`)
    }
    if (challenge.service !== undefined) realm.searchParams.set('service', challenge.service)
    realm.searchParams.set('scope', scope)
    const headers: Record<string, string> = { 'user-agent': USER_AGENT }
    const basic = this.basic()
    if (basic && this.trusts(realm)) headers.authorization = basic
    else if (basic && !this.realmWarned) {
      this.realmWarned = true
      this.logger.warning(
        `The registry's token service ${realm.origin} is not on the registry's origin ${this.origin}: the token ` +
          'is not sent there, so only public images can be read.'
      )
    }
    const url = realm.href
    const response = await this.attempt('tokens', `GET ${realm.origin}${realm.pathname} (${scope})`, () =>
      this.transport(url, { headers })
    )
    const bytes = new Uint8Array(await response.arrayBuffer())
    if (!response.ok) {
      const detail = describeRegistryErrors(bytes)
      throw new RegistryError(
        `The registry refused a token for ${scope} (HTTP ${response.status}${detail ? `: ${detail}` : ''}). ` +
          'The token needs read:packages (and write:packages to move tags); GITHUB_TOKEN needs its repository ' +
          'granted access to the package.',
        response.status
      )
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown }
    try {
      body = JSON.parse(Buffer.from(bytes).toString('utf8'))
    } catch {
      throw new RegistryError(`The registry's token answer for ${scope} is not JSON`)
    }
    const token = typeof body.token === 'string' ? body.token : body.access_token
    if (typeof token !== 'string' || token === '') {
      throw new RegistryError(`The registry's token answer for ${scope} holds no token`)
    }
    this.options.onSecret?.(token)
    return { token, ...(typeof body.expires_in === 'number' ? { expiresIn: body.expires_in } : {}) }
  }

  private trusts(realm: URL): boolean {
    if (realm.origin === this.origin) return true
    return (this.options.trustedRealmOrigins ?? []).some(o => {
      try {
        return new URL(o).origin === realm.origin
      } catch {
        return false
      }
    })
  }

  private async failure(what: string, response: BufferedResponse): Promise<RegistryError> {
    const detail = describeRegistryErrors(response.bytes)
    return new RegistryError(
      `${what}: HTTP ${response.status}${detail ? ` (${detail})` : ''}`,
      response.status
    )
  }
}

/** Tags asked for per tags/list page. */
const TAG_PAGE = 1000
/** 1,000 pages of 1,000 tags: far beyond any package; a registry that never ends its listing is an error. */
const MAX_TAG_PAGES = 1000

/**
 * The query of the `rel="next"` tags/list page, when the Link header names this repository's tag list on the
 * registry's own origin (a relative Link is resolved against it); undefined otherwise.
 */
function nextTagPage(link: string | null, base: string, repository: string): string | undefined {
  if (!link) return undefined
  for (const part of link.split(',')) {
    const m = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part.trim())
    if (!m) continue
    let url: URL
    try {
      url = new URL(m[1], base + '/')
    } catch {
      return undefined
    }
    const expected = new URL(`${base}/v2/${repository}/tags/list`)
    if (url.origin !== expected.origin || url.pathname !== expected.pathname) return undefined
    return url.search.replace(/^\?/, '')
  }
  return undefined
}

function checkTag(tag: string): void {
  if (!TAG_RE.test(tag)) throw new RegistryError(`${JSON.stringify(tag)} is not a valid tag`)
}
