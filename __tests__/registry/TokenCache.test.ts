import { describe, expect, it } from '@jest/globals'
import { DEFAULT_TOKEN_SECONDS, TokenCache } from '../../src/registry/TokenCache.js'

describe('TokenCache', () => {
  it('shares one token request among concurrent callers', async () => {
    const cache = new TokenCache()
    let issued = 0
    const issue = async () => ({ token: `t${++issued}` })
    const tokens = await Promise.all([cache.get('k', issue), cache.get('k', issue), cache.get('k', issue)])
    expect(tokens).toEqual(['t1', 't1', 't1'])
    expect(issued).toBe(1)
  })

  it('renews before expiry, scaled by timeScale', async () => {
    let now = 0
    const cache = new TokenCache(0.5, () => now)
    let issued = 0
    const issue = async () => ({ token: `t${++issued}`, expiresIn: 100 })
    expect(await cache.get('k', issue)).toBe('t1')
    // 100 s lifetime, renewed with 25 s left, i.e. after 75 s; at timeScale 0.5 that is 37.5 real seconds.
    now = 37_000
    expect(await cache.get('k', issue)).toBe('t1')
    now = 37_500
    expect(await cache.get('k', issue)).toBe('t2')
  })

  it(`assumes ${DEFAULT_TOKEN_SECONDS} s when the realm does not say`, async () => {
    let now = 0
    const cache = new TokenCache(1, () => now)
    let issued = 0
    const issue = async () => ({ token: `t${++issued}` })
    await cache.get('k', issue)
    now = 44_999
    expect(await cache.get('k', issue)).toBe('t1')
    now = 45_000
    expect(await cache.get('k', issue)).toBe('t2')
  })

  it('invalidates only the token that was refused', async () => {
    const cache = new TokenCache()
    let issued = 0
    const issue = async () => ({ token: `t${++issued}` })
    await cache.get('k', issue)
    cache.invalidate('k', 't0')
    expect(await cache.get('k', issue)).toBe('t1')
    cache.invalidate('k', 't1')
    expect(await cache.get('k', issue)).toBe('t2')
  })

  it('does not remember a failed request', async () => {
    const cache = new TokenCache()
    await expect(cache.get('k', async () => Promise.reject(new Error('down')))).rejects.toThrow('down')
    expect(await cache.get('k', async () => ({ token: 'ok' }))).toBe('ok')
  })
})
