/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1). Parameter names are lower-cased. */
export interface Challenge {
  readonly scheme: string
  readonly params: Readonly<Record<string, string>>
  readonly token68?: string
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/

/**
 * Parses every challenge in a `WWW-Authenticate` value. Quoted values may contain commas, `=` and escaped
 * quotes (`scope="repository:a/b:pull,push"`), so the value is scanned character by character rather than
 * split on commas. Malformed trailing input ends the parse; what was understood so far is returned.
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = []
  let i = 0
  const n = header.length
  const skip = (chars: string): void => {
    while (i < n && chars.includes(header[i])) i++
  }
  const token = (): string => {
    const start = i
    while (i < n && TCHAR.test(header[i])) i++
    return header.slice(start, i)
  }
  const quoted = (): string | undefined => {
    if (header[i] !== '"') return undefined
    i++
    let value = ''
    while (i < n && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < n) i++
      value += header[i++]
    }
    if (i >= n) return undefined // unterminated
    i++
    return value
  }

  while (i < n) {
    skip(' \t,')
    const scheme = token()
    if (!scheme) break
    const params: Record<string, string> = {}
    let token68: string | undefined
    skip(' \t')
    if (!isParamStart(header, i)) {
      // token68 form (`Basic dXNlcjpwYXNz`) or a scheme without parameters.
      const blob = TOKEN68.exec(header.slice(i))
      if (blob && /^[ \t]*(,|$)/.test(header.slice(i + blob[0].length))) {
        token68 = blob[0]
        i += blob[0].length
      }
    } else {
      for (;;) {
        skip(' \t')
        const name = token()
        skip(' \t')
        i++ // '=' (isParamStart checked it)
        skip(' \t')
        const value = header[i] === '"' ? quoted() : token()
        if (value === undefined) return finish(challenges, scheme, params)
        params[name.toLowerCase()] = value
        skip(' \t')
        if (header[i] !== ',') break
        // A comma either separates parameters or ends this challenge: look past it.
        skip(' \t,')
        if (!isParamStart(header, i)) break
      }
    }
    challenges.push({ scheme, params, ...(token68 !== undefined ? { token68 } : {}) })
  }
  return challenges
}

function finish(list: Challenge[], scheme: string, params: Record<string, string>): Challenge[] {
  list.push({ scheme, params })
  return list
}

/**
 * At `i` starts an auth-param (`name = value`), not a new scheme or a token68: the value after `=` is a
 * quoted string or a non-empty token (`=` is not a token character, so token68 padding never qualifies).
 */
function isParamStart(header: string, i: number): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*=[ \t]*["!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(header.slice(i))
}

/** The Bearer challenge of the distribution token-auth scheme (distribution.github.io/distribution/spec/auth/token/). */
export interface BearerChallenge {
  readonly realm: string
  readonly service?: string
  readonly scope?: string
  /** e.g. `insufficient_scope` / `invalid_token` (RFC 6750 §3). */
  readonly error?: string
}

export type RegistryAuth =
  { readonly kind: 'bearer'; readonly challenge: BearerChallenge } | { readonly kind: 'basic' }

/** What a 401 asks for: a bearer token from a realm, or Basic credentials; undefined when unusable. */
export function registryAuthFrom(header: string | null | undefined): RegistryAuth | undefined {
  if (!header) return undefined
  const challenges = parseChallenges(header)
  const bearer = challenges.find(c => c.scheme.toLowerCase() === 'bearer' && c.params.realm)
  if (bearer) {
    const { realm, service, scope, error } = bearer.params
    return {
      kind: 'bearer',
      challenge: {
        realm,
        ...(service !== undefined ? { service } : {}),
        ...(scope !== undefined ? { scope } : {}),
        ...(error !== undefined ? { error } : {})
      }
    }
  }
  if (challenges.some(c => c.scheme.toLowerCase() === 'basic')) return { kind: 'basic' }
  return undefined
}
