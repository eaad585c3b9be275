/** The answers injected faults give, shaped like the real ones of each side. */
import type { ActiveRule } from './faults.js'
import { jsonResponse, type SimRequest, type SimResponse, type Side } from './http.js'
import type { RegistryAuth } from './registry/auth.js'
import { registryError } from './registry/errors.js'
import { ghError } from './rest/errors.js'

const SECONDARY =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID FAULT.'

/** Repository path of a registry URL, for the challenge scope of an expired token. */
function registryRepo(path: string): string | undefined {
  return /^\/v2\/(.+)\/(?:manifests|blobs|tags|referrers)\//.exec(path)?.[1]
}

/** A fault's answer given instead of handling the request; undefined for kinds that act otherwise. */
export function faultAnswer(
  rule: ActiveRule,
  side: Side,
  req: SimRequest,
  status5xx: number,
  auth: RegistryAuth
): SimResponse | undefined {
  const retryAfter = { 'retry-after': rule.retryAfter ?? 1 }
  switch (rule.kind) {
    case 'status429':
      // https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
      return side === 'rest'
        ? jsonResponse(
            429,
            {
              message: SECONDARY,
              documentation_url:
                'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
              status: '429'
            },
            retryAfter
          )
        : registryError(429, 'TOOMANYREQUESTS', 'too many requests', undefined, retryAfter)
    case 'status403secondary':
      return side === 'rest'
        ? jsonResponse(
            403,
            {
              message: SECONDARY,
              documentation_url:
                'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
              status: '403'
            },
            retryAfter
          )
        : registryError(403, 'DENIED', SECONDARY, undefined, retryAfter)
    case 'status5xx':
    case 'status502AfterEffect': {
      const status = rule.kind === 'status502AfterEffect' ? 502 : status5xx
      return side === 'rest'
        ? ghError(
            status,
            status === 502 ? 'Server Error' : status === 503 ? 'Service Unavailable' : 'Internal Server Error'
          )
        : registryError(status, 'UNKNOWN', 'unknown error')
    }
    case 'expiredToken':
      // The registry's answer to an expired bearer: 401 and a fresh challenge for the same scope.
      if (side === 'registry') {
        const write = req.method === 'PUT' || req.method === 'POST' || req.method === 'PATCH'
        return auth.unauthorized(registryRepo(req.rawPath), write ? ['pull', 'push'] : ['pull'])
      }
      return ghError(401, 'Bad credentials')
    default:
      return undefined
  }
}
