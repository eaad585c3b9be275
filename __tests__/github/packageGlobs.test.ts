import { describe, expect, it } from '@jest/globals'
import { PackageGlobs } from '../../src/github/packageGlobs.js'

describe('PackageGlobs', () => {
  it('keeps * within a path segment and lets ** cross them', () => {
    const one = new PackageGlobs(['app/*'])
    expect(one.matches('app/web')).toBe(true)
    expect(one.matches('app/web/debug')).toBe(false)
    expect(one.matches('app')).toBe(false)
    const any = new PackageGlobs(['app/**'])
    expect(any.matches('app/web/debug')).toBe(true)
    expect(new PackageGlobs(['*']).matches('repo/sub')).toBe(false)
    expect(new PackageGlobs(['**']).matches('repo/sub')).toBe(true)
  })

  it('tells exact names from patterns', () => {
    const globs = new PackageGlobs(['app', 'repo/sub', 'tools-{a,b}', 'x?'])
    expect(globs.literals).toEqual(['app', 'repo/sub'])
    expect(globs.hasPatterns).toBe(true)
    expect(new PackageGlobs(['app', 'repo/sub']).hasPatterns).toBe(false)
  })

  it('ignores case, as GHCR names are lower case', () => {
    expect(new PackageGlobs(['App-*']).matches('app-web')).toBe(true)
  })
})
