import { getOctokit } from '@actions/github'
import type { Octokit } from '@octokit/core'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import Bottleneck from 'bottleneck/light.js'
import type { Logger } from '../log/Logger.js'
import { sleep } from '../http/sleep.js'
import { Response } from 'undici'
import { RequestBudgetError } from './errors.js'
import { parsedJsonBody, USER_AGENT, type Transport } from '../http/transport.js'

export type GitHubClient = ReturnType<typeof getOctokit>

export interface OctokitSettings {
  readonly token: string
  /** REST base URL (`https://api.github.com`, `https://HOST/api/v3`). */
  readonly apiUrl: string
  readonly transport: Transport
  readonly logger: Logger
  /** Multiplies every wait derived from headers or backoff (tests: 0.001). */
  readonly timeScale: number
  /** Retries per request, for 5xx/transport failures (plugin-retry) and for rate limits (plugin-throttling). */
  readonly retries: number
  /** Wait for the hourly limit to reset only when it resets within this many seconds; otherwise fail. */
  readonly maxRateLimitWaitSeconds: number
  /** Least time between the starts of two writes (DELETE, POST). */
  readonly writeGapMs: number
  /** Writes in flight at once. */
  readonly writeConcurrency: number
  readonly random?: () => number
  /** Told of every secondary-limit answer (403/429 with a "secondary rate limit" message), retried or not. */
  readonly onSecondaryLimit?: () => void
  /** Asked right before every attempt, retries included: a reason refuses it (RequestBudgetError). */
  readonly admit?: () => string | undefined
}

/**
 * GitHub's best-practice guide asks integrations making many mutating requests to "wait at least one second
 * between each request" (docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api);
 * one write per second also stays under the 80-per-minute content-creation secondary limit should deletes
 * count towards it. plugin-throttling applies exactly this by default; we keep it as the default and make it
 * a setting, because a large backlog at one delete per second takes 17 minutes per thousand.
 */
export const DEFAULT_WRITE_GAP_MS = 1000

/** The REST API version the request and response shapes were checked against. */
export const API_VERSION = '2022-11-28'

let clients = 0

/** Request options whose success body this module asked Octokit to leave unread (successData reads it). */
const unparsed = new WeakSet<object>()

/**
 * @actions/github's Octokit (it already carries paginate-rest and rest-endpoint-methods) composed with
 * plugin-throttling and plugin-retry the way Octokit documents: `getOctokit(token, options, ...plugins)`.
 * A small plugin of ours sits innermost: it pins the API version and adds jitter before a retried attempt, so
 * parallel jobs that failed together do not retry in lockstep.
 */
export function createOctokit(settings: OctokitSettings): GitHubClient {
  const log = settings.logger
  const scale = settings.timeScale
  const random = settings.random ?? Math.random

  function requestPolicy(octokit: Octokit): void {
    octokit.hook.wrap('request', async (request, options) => {
      options.headers['x-github-api-version'] ??= API_VERSION
      const retryCount = Number((options.request as { retryCount?: number } | undefined)?.retryCount ?? 0)
      // plugin-retry waits retryCount² seconds; add up to half of that again, at random.
      if (retryCount > 0) await sleep(random() * 500 * retryCount ** 2 * scale)
      // Innermost, after every wait: the budget sees each attempt just before it leaves. The error has no
      // `status`, so neither plugin retries it.
      const refused = settings.admit?.()
      if (refused !== undefined) throw new RequestBudgetError(refused, retryCount > 0)
      // One parse per body: the transport has already parsed every JSON success body to validate it, and
      // Octokit's own parse (json-with-bigint, for integers beyond 2^53 that no field we read can hold) costs
      // ten times JSON.parse. Octokit hands over the unread body instead, and successData takes the value.
      // A caller that asked for the unread body itself gets it. Options are changed in place, as the hooks
      // inside this one (the token's) read the options they were bound to, not the ones passed on.
      if (!unparsed.has(options.request ?? {})) {
        if (options.request?.parseSuccessResponseBody === false) return request(options)
        options.request = { ...options.request, parseSuccessResponseBody: false }
        unparsed.add(options.request)
      }
      const response = await request(options)
      return { ...response, data: await successData(response.data, response.headers['content-type']) }
    })
  }

  const write = new Bottleneck.Group({
    maxConcurrent: Math.max(1, settings.writeConcurrency),
    minTime: Math.max(0, settings.writeGapMs * scale)
  })

  return getOctokit(
    settings.token,
    {
      baseUrl: settings.apiUrl.replace(/\/+$/, ''),
      userAgent: USER_AGENT,
      request: { fetch: settings.transport as unknown as typeof fetch },
      log: {
        debug: (message: string) => log.debug(message),
        info: (message: string) => log.debug(message),
        warn: (message: string) => log.warning(message),
        error: (message: string) => log.warning(message)
      },
      retry: { retries: settings.retries, retryAfterBaseValue: 1000 * scale },
      throttle: {
        id: `ghcr-retention-${++clients}`,
        write,
        retryAfterBaseValue: 1000 * scale,
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          n: number
        ) => {
          const again = n < settings.retries
          settings.onSecondaryLimit?.()
          log.warning(
            `GitHub secondary rate limit on ${options.method} ${options.url}: ` +
              (again
                ? `waiting ${retryAfter} s as asked, then retry ${n + 1}/${settings.retries}`
                : 'giving up')
          )
          return again
        },
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          n: number
        ) => {
          const again = n < settings.retries && retryAfter <= settings.maxRateLimitWaitSeconds
          log.warning(
            `GitHub rate limit used up on ${options.method} ${options.url}; it resets in ${retryAfter} s` +
              (again ? `: waiting, then retry ${n + 1}/${settings.retries}` : ': not waiting that long')
          )
          return again
        }
      }
    },
    requestPolicy,
    throttling,
    retry
  )
}

/**
 * What Octokit makes of a success body (@octokit/request's getResponseData), given the body it left unread:
 * the transport's parse of a JSON body; otherwise JSON text parsed (the text itself when it does not parse),
 * text for text/* or UTF-8, bytes for the rest. Answers Octokit read no body of (204, 205, HEAD) pass as they are.
 */
async function successData(body: unknown, contentType: string | undefined): Promise<unknown> {
  const parsed = parsedJsonBody(body)
  if (parsed) return parsed.value
  if (!(body instanceof ReadableStream)) return body ?? ''
  const bytes = await new Response(body).arrayBuffer()
  const text = (): string => new TextDecoder().decode(bytes)
  if (!contentType) return text()
  const [type, ...parameters] = contentType.split(';').map(part => part.trim().toLowerCase())
  if (type === 'application/json' || type === 'application/scim+json') {
    try {
      return JSON.parse(text())
    } catch {
      return text()
    }
  }
  const utf8 = parameters.some(p => /^charset\s*=\s*"?utf-8"?$/.test(p))
  if (type.startsWith('text/') || (utf8 && type !== 'application/octet-stream')) return text()
  return bytes
}
