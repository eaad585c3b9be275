import { describe, expect, it } from '@jest/globals'
import { compileTagPattern, splitPatternList } from '../../src/planner/TagMatcher.js'

describe('splitPatternList', () => {
  it('splits on commas and newlines, trims and drops blanks', () => {
    expect(splitPatternList(' v*, latest\n\n pr-* ,')).toEqual(['v*', 'latest', 'pr-*'])
  })
  it('keeps a regex whole even when it contains commas', () => {
    expect(splitPatternList('/^v\\d{1,3}$/, /^pr-\\d+$/i\n/[/,]x/')).toEqual([
      '/^v\\d{1,3}$/',
      '/^pr-\\d+$/i',
      '/[/,]x/'
    ])
  })
})

describe('compileTagPattern', () => {
  it('matches globs with minimatch', () => {
    const m = compileTagPattern('pr-*', 'delete-tags')
    expect(['pr-12', 'pr-', 'xpr-1', 'PR-1'].map(t => m.matches(t))).toEqual([true, true, false, false])
    const q = compileTagPattern('v?.*', 'keep-tags')
    expect(['v1.2', 'v10.2', 'v1'].map(t => q.matches(t))).toEqual([true, false, false])
  })
  it('compares plain names exactly', () => {
    const m = compileTagPattern('latest', 'keep-tags')
    expect(['latest', 'latest2', 'xlatest'].map(t => m.matches(t))).toEqual([true, false, false])
  })
  it('anchors a regex to the whole tag', () => {
    const m = compileTagPattern('/v1/', 'keep-tags')
    expect(['v1', 'v10-rc', 'xv1'].map(t => m.matches(t))).toEqual([true, false, false])
    const i = compileTagPattern('/pr-\\d+/i', 'delete-tags')
    expect(['PR-12', 'pr-12a'].map(t => i.matches(t))).toEqual([true, false])
  })
  it('keeps the source for reasons', () => {
    expect(compileTagPattern('/^v\\d+$/', 'keep-tags').source).toBe('/^v\\d+$/')
  })
  it.each([
    ['/(/', /Not a valid regular expression/],
    ['/a/g', /Unsupported regex flags 'g'/],
    ['//', /regular expression is empty/],
    ['!latest', /list the tags to protect in `keep-tags`/],
    ['a b', /never contain spaces/]
  ])('refuses %j with a message naming the input', (pattern, message) => {
    expect(() => compileTagPattern(pattern, 'delete-tags')).toThrow(message)
    expect(() => compileTagPattern(pattern, 'delete-tags')).toThrow(
      `Invalid input 'delete-tags': ${JSON.stringify(pattern)}`
    )
  })
})
