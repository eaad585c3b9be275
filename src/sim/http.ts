import type { IncomingHttpHeaders } from 'node:http'
import type { SimPackage, SimVersion } from './simPackage.js'

export type Side = 'rest' | 'registry'

/** What a route answers; the server core writes it (after faults had their say). */
export interface SimResponse {
  status: number
  headers: Record<string, string | number>
  body?: Buffer
  /** Registry manifest GETs mark themselves so a `wrongDigest` fault knows what to corrupt. */
  manifest?: boolean
}

export interface SimRequest {
  readonly side: Side
  readonly method: string
  /** Raw path as sent (percent-encoding preserved: `%2F` in a package name must stay distinguishable). */
  readonly rawPath: string
  readonly query: URLSearchParams
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  /** Route template for the counters (`GET /orgs/{org}/packages`), set by the router. */
  route?: string
  /** Run after the response is written (releases a concurrency slot). */
  readonly defer: (fn: () => void) => void
  /** Set by a route that deleted or restored a version; the server awaits `onVersionChange` before answering. */
  versionChange?: VersionChange
}

/** A version the REST API just deleted or restored (what a backing store must mirror). */
export interface VersionChange {
  readonly kind: 'deleted' | 'restored'
  readonly pkg: SimPackage
  readonly version: SimVersion
}

export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>

export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string | number> = {}
): SimResponse {
  const body = Buffer.from(JSON.stringify(value))
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body
  }
}

export function emptyResponse(status: number, headers: Record<string, string | number> = {}): SimResponse {
  return { status, headers }
}

export function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v.join(', ') : v
}
