import { describe, expect, it } from '@jest/globals'
import { defaultRegistryUrl } from '../../src/registry/registryUrl.js'

describe('defaultRegistryUrl', () => {
  it('maps github.com to ghcr.io', () => {
    expect(defaultRegistryUrl('https://api.github.com')).toBe('https://ghcr.io')
    expect(defaultRegistryUrl('https://api.github.com/', 'https://github.com')).toBe('https://ghcr.io')
  })

  it('maps GitHub Enterprise Server to containers.HOST', () => {
    expect(defaultRegistryUrl('https://ghes.corp.example/api/v3')).toBe(
      'https://containers.ghes.corp.example'
    )
    expect(defaultRegistryUrl('https://GHES.corp.example:8443/api/v3')).toBe(
      'https://containers.ghes.corp.example:8443'
    )
    expect(defaultRegistryUrl('https://x/api/v3', 'https://ghes.corp.example')).toBe(
      'https://containers.ghes.corp.example'
    )
  })

  it('maps GHE.com data residency to containers.SUB.ghe.com', () => {
    expect(defaultRegistryUrl('https://api.octocorp.ghe.com')).toBe('https://containers.octocorp.ghe.com')
    expect(defaultRegistryUrl('https://api.octocorp.ghe.com', 'https://octocorp.ghe.com')).toBe(
      'https://containers.octocorp.ghe.com'
    )
  })

  it('gives no answer where no registry host can be derived', () => {
    expect(defaultRegistryUrl('http://127.0.0.1:8080')).toBeUndefined()
    expect(defaultRegistryUrl('http://localhost:3000/api/v3')).toBeUndefined()
    expect(defaultRegistryUrl('http://[::1]:3000')).toBeUndefined()
    expect(defaultRegistryUrl('not a url')).toBeUndefined()
    expect(defaultRegistryUrl('')).toBeUndefined()
  })
})
