import { describe, expect, it } from '@jest/globals'
import { parseChallenges, registryAuthFrom } from '../../src/registry/challenge.js'

describe('parseChallenges', () => {
  it('reads the ghcr.io challenge', () => {
    const header = 'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/app:pull"'
    expect(parseChallenges(header)).toEqual([
      {
        scheme: 'Bearer',
        params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:acme/app:pull' }
      }
    ])
  })

  it('keeps commas, equals signs and escaped quotes inside quoted values', () => {
    const header =
      'Bearer realm="https://r.example/token?a=1,b=2", scope="repository:acme/app/sub:pull,push",' +
      ' error="insufficient_scope", error_description="say \\"hi\\", then go"'
    const [c] = parseChallenges(header)
    expect(c.params).toEqual({
      realm: 'https://r.example/token?a=1,b=2',
      scope: 'repository:acme/app/sub:pull,push',
      error: 'insufficient_scope',
      error_description: 'say "hi", then go'
    })
  })

  it('separates several challenges and lower-cases parameter names', () => {
    const header =
      'Basic realm="Registry Realm", Bearer REALM="https://t.example/token",Service=reg, Negotiate'
    expect(parseChallenges(header)).toEqual([
      { scheme: 'Basic', params: { realm: 'Registry Realm' } },
      { scheme: 'Bearer', params: { realm: 'https://t.example/token', service: 'reg' } },
      { scheme: 'Negotiate', params: {} }
    ])
  })

  it('reads token68 credentials with padding as a blob, not a parameter', () => {
    expect(parseChallenges('Custom YWJj=, Bearer realm=x')).toEqual([
      { scheme: 'Custom', params: {}, token68: 'YWJj=' },
      { scheme: 'Bearer', params: { realm: 'x' } }
    ])
  })

  it('tolerates spaces around = and an unterminated quote', () => {
    expect(parseChallenges('Bearer realm = "https://a/t" , service = "s')).toEqual([
      { scheme: 'Bearer', params: { realm: 'https://a/t' } }
    ])
    expect(parseChallenges('')).toEqual([])
  })
})

describe('registryAuthFrom', () => {
  it('prefers a Bearer challenge with a realm', () => {
    expect(registryAuthFrom('Basic realm="x", Bearer realm="https://t/token",service="svc"')).toEqual({
      kind: 'bearer',
      challenge: { realm: 'https://t/token', service: 'svc' }
    })
  })

  it('falls back to Basic, and gives up on anything else', () => {
    expect(registryAuthFrom('Basic realm="Registry Realm"')).toEqual({ kind: 'basic' })
    expect(registryAuthFrom('Bearer service="no-realm"')).toBeUndefined()
    expect(registryAuthFrom(null)).toBeUndefined()
  })
})
