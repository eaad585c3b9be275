import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { Minimatch } from 'minimatch'
import { compileGlob, globToRe2 } from '../../src/patterns/glob.js'
import { PatternError } from '../../src/patterns/PatternError.js'

/**
 * The glob translator against minimatch, the engine it replaces, as an independent judge: on ordinary globs both
 * must agree, so moving to RE2 changes no honest configuration. minimatch is only the oracle here.
 */
function minimatch(glob: string, subject: string, paths: boolean): boolean {
  return new Minimatch(glob, paths ? { dot: true } : { dot: true, nocomment: true, nonegate: true }).match(
    subject
  )
}

const SEGMENT = fc.stringMatching(/^[ab.-]{1,4}$/).filter(s => s !== '.' && s !== '..')
const PATH = fc.array(SEGMENT, { minLength: 1, maxLength: 4 }).map(parts => parts.join('/'))
const TOKENS = [
  'a',
  'b',
  '.',
  '-',
  '*',
  '?',
  '[ab]',
  '[!a]',
  '[a-b]',
  '{a,b}',
  '{a,}',
  '?(a)',
  '+(a|b)',
  '@(b|-)',
  '*(a)',
  '\\*'
]
const GLOB_SEGMENT = fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 4 }).map(t => t.join(''))
// minimatch expands `a/{b,}/c` to `a//c` and then drops the empty segment; here an empty alternative stays empty
// (documented in src/patterns/glob.ts), so path globs are drawn without one.
const PATH_SEGMENT = fc
  .array(fc.constantFrom(...TOKENS.filter(t => t !== '{a,}')), { minLength: 1, maxLength: 4 })
  .map(t => t.join(''))
  .filter(s => s !== '.' && s !== '..')
// Three stars in a row are refused in paths (below), so the judge never sees them.
const GLOB = fc
  .array(fc.oneof(PATH_SEGMENT, fc.constant('**')), { minLength: 1, maxLength: 3 })
  .map(parts => parts.join('/'))
  .filter(glob => !glob.includes('***'))

describe('three stars in a path', () => {
  // minimatch reads `***` as `*`, this translator once read it as `**` (a random seed found ["***", "-/a."]).
  it.each(['***', 'a/***/b', 'a***', '****/x'])('%j is refused with what to write instead', glob => {
    expect(() => compileGlob(glob, { paths: true })).toThrow(
      /is ambiguous in a path: write `\*\*` for any number of directories or `\*` for one name/
    )
  })

  it('outside paths (tags) stars are one `.*` however many', () => {
    expect(compileGlob('v***', {}).matches('v1/2')).toBe(true)
  })
})

describe('compileGlob agrees with minimatch on ordinary globs', () => {
  it.each([
    ['app/*', 'app/web', true],
    ['app/*', 'app/web/debug', false],
    ['app/*', 'app/', false],
    ['app/**', 'app/web/debug', true],
    ['app/**', 'app', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/.y/b', true],
    ['**/b', 'b', true],
    ['**', 'repo/sub', true],
    ['*', 'repo/sub', false],
    ['a**b', 'axb', true],
    ['a**b', 'ax/b', false],
    ['.github/workflows/*.y?(a)ml', '.github/workflows/ci.yml', true],
    ['.github/workflows/*.y?(a)ml', '.github/workflows/ci.yaml', true],
    ['**/deploy?(ment)/**/*.y?(a)ml', 'x/deployment/k/a.yaml', true],
    ['**/Dockerfile*', 'Dockerfile', true],
    ['[[:digit:]]x', '7x', true],
    ['[!a]?', 'b/', false],
    ['{a,b}c', 'bc', true],
    ['x{1..3}', 'x2', true],
    ['x{01..10}', 'x07', true],
    ['x{a..c}', 'xb', true],
    ['\\*', '*', true],
    ['x[', 'x[', true],
    ['{a,b', '{a,b', true],
    ['[]a]', ']', true],
    ['[a-c]', '-', false]
  ])('paths: %j against %j is %j', (glob, subject, expected) => {
    expect(minimatch(glob, subject, true)).toBe(expected)
    expect(compileGlob(glob, { paths: true }).matches(subject)).toBe(expected)
  })

  it('agrees on random globs and paths', () => {
    fc.assert(
      fc.property(GLOB, PATH, (glob, subject) => {
        expect(compileGlob(glob, { paths: true }).matches(subject)).toBe(minimatch(glob, subject, true))
      }),
      { numRuns: 5000 }
    )
  })

  it('agrees on random tag globs and tags', () => {
    fc.assert(
      fc.property(GLOB_SEGMENT, SEGMENT, (glob, tag) => {
        expect(compileGlob(glob).matches(tag)).toBe(minimatch(glob, tag, false))
      }),
      { numRuns: 5000 }
    )
  })

  it('ignores case on request', () => {
    expect(compileGlob('App-*', { paths: true, nocase: true }).matches('app-web')).toBe(true)
    expect(compileGlob('App-*', { paths: true }).matches('app-web')).toBe(false)
  })

  it('reports a glob without glob syntax as the plain name it stands for', () => {
    expect(compileGlob('repo/sub', { paths: true }).literal).toBe('repo/sub')
    expect(compileGlob('v\\*1').literal).toBe('v*1')
    expect(compileGlob('x[').literal).toBe('x[')
    for (const glob of ['v*', 'x?', '[ab]', '{a,b}', '@(a)'])
      expect(compileGlob(glob).literal).toBeUndefined()
  })

  it('translates braces to alternations instead of expanding them', () => {
    const glob = '{a,b}'.repeat(40)
    expect(globToRe2(glob).re2.length).toBeLessThan(600)
    expect(compileGlob(glob).matches('ab'.repeat(20))).toBe(true)
  })
})

describe('compileGlob refuses what RE2 cannot match', () => {
  it.each([
    ['!(latest)', /negated extglob/],
    ['!app', /Negated patterns are not supported/],
    ['x{1..100000}', /at most 1000/],
    ['[b-a]', /Not a valid glob/]
  ])('%j', (glob, message) => {
    expect(() => compileGlob(glob)).toThrow(PatternError)
    expect(() => compileGlob(glob)).toThrow(message)
  })
})
