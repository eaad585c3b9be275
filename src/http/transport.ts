import { fetch as undiciFetch, Response, type Dispatcher, type RequestInit } from 'undici'
import { sharedDispatcher } from './dispatcher.js'

/** A request that never produced a complete response: timeout, refused/reset connection, cut-off body. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'network' | 'body',
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'TransportError'
  }
}

export interface TransportOptions {
  /** Defaults to the process-wide dispatcher (proxy-aware, see dispatcher.ts). */
  readonly dispatcher?: Dispatcher
  /** Whole-request limit: connect, headers and body. */
  readonly timeoutMs?: number
  /** Reject a 2xx JSON body that does not parse (a cut-off page must be retried, never used). */
  readonly validateJson?: boolean
  /** Called once per network attempt (retries included), before it is sent. */
  readonly onAttempt?: (method: string, url: string) => void
  /** Called with every response that arrived complete. */
  readonly onResponse?: (response: Response, method: string, url: string) => void
}

export type TransportInit = RequestInit
export type Transport = (input: string | URL, init?: TransportInit) => Promise<Response>

export const DEFAULT_TIMEOUT_MS = 30_000

/** Lets GitHub and registry operators tell this action's traffic apart (GitHub asks integrations to send one). */
export const USER_AGENT = 'ghcr-retention'

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

/**
 * JSON bodies the transport has parsed to validate them, by the body stream of the Response it returned, so
 * that Octokit can take the value instead of parsing the same text again (octokit.ts): one parse per body.
 */
const parsedBodies = new WeakMap<object, unknown>()

/** The value a validated JSON body parsed to, when `body` is the body of a Response this transport built. */
export function parsedJsonBody(body: unknown): { readonly value: unknown } | undefined {
  if (typeof body !== 'object' || body === null || !parsedBodies.has(body)) return undefined
  return { value: parsedBodies.get(body) }
}

/**
 * fetch with a per-request timeout whose response body is read completely before it is returned. Reading the
 * body here turns a connection that dies mid-body into a TransportError the caller can retry, instead of a
 * half-read page surfacing later as "no more versions".
 */
export function createTransport(options: TransportOptions = {}): Transport {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  return async (input, init = {}) => {
    const method = (init.method ?? 'GET').toUpperCase()
    const url = typeof input === 'string' ? input : input.href
    const timeout = AbortSignal.timeout(timeoutMs)
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout
    options.onAttempt?.(method, url)
    let response: Response
    let bytes: Uint8Array
    try {
      response = await undiciFetch(input, {
        ...init,
        signal,
        dispatcher: options.dispatcher ?? init.dispatcher ?? sharedDispatcher()
      })
      bytes = new Uint8Array(await response.arrayBuffer())
    } catch (error) {
      if (init.signal?.aborted) throw error
      if (timeout.aborted) {
        throw new TransportError(`${method} ${url} timed out after ${timeoutMs} ms`, 'timeout', {
          cause: error
        })
      }
      throw new TransportError(`${method} ${url} failed: ${describe(error)}`, 'network', { cause: error })
    }
    let parsed: { value: unknown } | undefined
    if (options.validateJson && response.ok && bytes.byteLength > 0 && isJson(response)) {
      try {
        parsed = { value: JSON.parse(Buffer.from(bytes).toString('utf8')) }
      } catch {
        throw new TransportError(
          `${method} ${url} returned an incomplete JSON body (${bytes.byteLength} bytes)`,
          'body'
        )
      }
    }
    const complete = new Response(NULL_BODY_STATUSES.has(response.status) ? null : bytes, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers
    })
    Object.defineProperty(complete, 'url', { value: response.url || url })
    if (parsed && complete.body) parsedBodies.set(complete.body, parsed.value)
    options.onResponse?.(complete, method, url)
    return complete
  }
}

function isJson(response: Response): boolean {
  const type = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase()
  return type === 'application/json' || type.endsWith('+json')
}

/** undici reports "fetch failed" with the useful part (ECONNRESET, "other side closed") in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code
    return typeof code === 'string' ? `${code} (${cause.message})` : cause.message
  }
  return error.message
}
