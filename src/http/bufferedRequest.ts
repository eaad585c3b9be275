import type { Agent, Dispatcher } from 'undici'
import { sharedDispatcher } from './dispatcher.js'
import { DEFAULT_TIMEOUT_MS, TransportError } from './transport.js'

/**
 * A light request for clients that send thousands of small requests and need none of fetch's extras (the
 * registry client): undici's dispatcher API with a handler that collects the body, instead of fetch's Request,
 * Response, WHATWG streams and AbortSignals, which cost more CPU per manifest read than everything else the
 * action does with it (issue 18). The guarantees are those of {@link createTransport}: a whole-request
 * timeout, the body read completely before the answer is returned (a connection that dies mid-body is a
 * TransportError the caller can retry), the process-wide proxy-aware dispatcher, and redirects followed as
 * fetch follows them (at most 20; credentials are dropped on a redirect to another origin).
 *
 * What it does not do, unlike fetch: ask for or undo a content encoding (no `accept-encoding` is sent, so a
 * registry answers in identity; bytes that were encoded anyway would fail digest verification, not pass).
 */

/** Response headers by lower-case name; repeated headers are joined with ", " as fetch's `Headers.get` does. */
export class ResponseHeaders {
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  get(name: string): string | null {
    return this.values.get(name.toLowerCase()) ?? null
  }
}

/** A response whose body has arrived in full. */
export class BufferedResponse {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: ResponseHeaders,
    /** The whole body, in an array of its own (not a view into a socket buffer). */
    readonly bytes: Uint8Array,
    readonly url: string
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.bytes.slice().buffer
  }

  async text(): Promise<string> {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString('utf8')
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text())
  }
}

export interface BufferedRequestInit {
  readonly method?: 'GET' | 'HEAD' | 'PUT'
  /** Lower-case names. */
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: Uint8Array
}

export interface BufferedRequestOptions {
  /** Defaults to the process-wide dispatcher (proxy-aware, see dispatcher.ts). */
  readonly dispatcher?: Dispatcher
  /** Whole-request limit: connect, headers and body. */
  readonly timeoutMs?: number
}

export type BufferedRequest = (url: string, init?: BufferedRequestInit) => Promise<BufferedResponse>

/** What fetch allows (the fetch standard's redirect limit). */
const MAX_REDIRECTIONS = 20

export function createBufferedRequest(options: BufferedRequestOptions = {}): BufferedRequest {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  return (url, init = {}) => {
    const method = init.method ?? 'GET'
    const target = new URL(url)
    const dispatcher = options.dispatcher ?? sharedDispatcher()
    return new Promise<BufferedResponse>((resolve, reject) => {
      new Exchange(method, url, timeoutMs, resolve, reject).start(dispatcher, {
        origin: target.origin,
        path: target.pathname + target.search,
        method,
        headers: init.headers,
        body: init.body,
        maxRedirections: MAX_REDIRECTIONS
      })
    })
  }
}

/** One request's undici handler: collects status, headers and body chunks, and owns the timeout. */
class Exchange implements Dispatcher.DispatchHandlers {
  private abort?: (error?: Error) => void
  private timedOut = false
  private settled = false
  private timer?: NodeJS.Timeout
  private status = 0
  private statusText = ''
  private headers?: Map<string, string>
  private chunks: Buffer[] = []
  private length = 0

  constructor(
    private readonly method: string,
    private readonly url: string,
    private readonly timeoutMs: number,
    private readonly resolve: (response: BufferedResponse) => void,
    private readonly reject: (error: Error) => void
  ) {}

  start(dispatcher: Dispatcher, options: Agent.DispatchOptions): void {
    this.timer = setTimeout(() => this.timeout(), this.timeoutMs)
    try {
      dispatcher.dispatch(options, this)
    } catch (error) {
      this.onError(error as Error)
    }
  }

  onConnect(abort: (error?: Error) => void): void {
    // A timeout that fired while the request waited for its connection ends it as soon as it has one.
    if (this.timedOut) abort(this.timeoutError())
    else this.abort = abort
  }

  onHeaders(status: number, raw: Buffer[], _resume: () => void, statusText: string): boolean {
    if (status < 200) return true // 1xx: the real answer follows
    this.status = status
    this.statusText = statusText
    const headers = new Map<string, string>()
    for (let i = 0; i + 1 < raw.length; i += 2) {
      // Header bytes are latin1 (a ByteString), as fetch reads them.
      const name = raw[i].toString('latin1').toLowerCase()
      const value = raw[i + 1].toString('latin1')
      const before = headers.get(name)
      headers.set(name, before === undefined ? value : `${before}, ${value}`)
    }
    this.headers = headers
    return true
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk)
    this.length += chunk.byteLength
    return true
  }

  onComplete(): void {
    if (this.settled) return
    // Copied into an array of its own: a chunk is a view into a buffer undici may reuse or keep large.
    const bytes = new Uint8Array(this.length)
    let at = 0
    for (const chunk of this.chunks) {
      bytes.set(chunk, at)
      at += chunk.byteLength
    }
    this.settle()
    this.resolve(
      new BufferedResponse(
        this.status,
        this.statusText,
        new ResponseHeaders(this.headers ?? new Map()),
        bytes,
        this.url
      )
    )
  }

  onError(error: Error): void {
    if (this.settled) return
    this.settle()
    this.reject(
      new TransportError(`${this.method} ${this.url} failed: ${describe(error)}`, 'network', { cause: error })
    )
  }

  private timeout(): void {
    if (this.settled) return
    this.timedOut = true
    const error = this.timeoutError()
    this.settle()
    this.reject(error)
    this.abort?.(error)
  }

  private timeoutError(): TransportError {
    return new TransportError(`${this.method} ${this.url} timed out after ${this.timeoutMs} ms`, 'timeout')
  }

  private settle(): void {
    this.settled = true
    clearTimeout(this.timer)
    this.chunks = []
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? `${code} (${error.message})` : error.message
}
