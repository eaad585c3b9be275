/**
 * Syntax RE2 cannot run in linear time (lookaround, backreferences, negated globs) is refused while the settings
 * are read, before any request: the error names the input, quotes the value and points to keep-tags.
 */
import { describe, expect, it } from '@jest/globals'
import { readSettings } from '../../src/settings/inputs.js'

const env = { GITHUB_REPOSITORY: 'acme/app', RUNNER_TEMP: '/tmp/rt' }
const read = (inputs: Record<string, string>) => (name: string) => ({ token: 't', ...inputs })[name] ?? ''
const error = (inputs: Record<string, string>): string => {
  try {
    readSettings(read(inputs), env)
  } catch (e) {
    return (e as Error).message
  }
  throw new Error('expected an error')
}

const REGEXES: [string, RegExp][] = [
  ['(?=x)', /lookahead `\(\?=…\)` is not supported/],
  ['(?!x)', /negative lookahead `\(\?!…\)` is not supported/],
  ['(?<=x)', /lookbehind `\(\?<=…\)` is not supported/],
  ['(?<!x)', /negative lookbehind `\(\?<!…\)` is not supported/],
  ['(a)\\1', /backreference `\\1` is not supported/],
  ['(?<n>a)\\k<n>', /named backreference `\\k<…>` is not supported/]
]

describe('regex syntax RE2 cannot do is refused before any request', () => {
  for (const input of ['keep-tags', 'delete-tags', 'build-cache-tags']) {
    it.each(REGEXES)(`${input}: /v%s/`, (body, message) => {
      const value = `/v${body}/`
      const text = error({ [input]: value })
      expect(text).toContain(`Invalid input '${input}': ${JSON.stringify(value)}.`)
      expect(text).toMatch(message)
      expect(text).toContain('list them in `keep-tags`')
      expect(text).toContain('RE2 syntax')
    })
  }

  it.each(REGEXES)('group-by: ^(v)%s', (body, message) => {
    const value = `^(v)${body}`
    const text = error({ 'group-by': value, 'keep-n-tagged': '1' })
    expect(text).toContain(`Invalid input 'group-by': ${JSON.stringify(value)}.`)
    expect(text).toMatch(message)
    expect(text).toContain('list them in `keep-tags`')
  })

  it('reads lookaround characters inside a class or escaped as plain characters', () => {
    const s = readSettings(read({ 'keep-tags': '/v[(?=]x/, /a\\(\\?=b/' }), env)
    expect(s.policy.keepTags.map(m => [m.matches('v?x'), m.matches('a(?=b')])).toEqual([
      [true, false],
      [false, true]
    ])
  })

  it('refuses flags RE2 has no counterpart for', () => {
    expect(error({ 'keep-tags': '/v1/v' })).toMatch(
      /Invalid input 'keep-tags': "\/v1\/v". Unsupported regex flags 'v'/
    )
    expect(readSettings(read({ 'keep-tags': '/V\\d/is' }), env).policy.keepTags[0].matches('v1')).toBe(true)
  })
})

describe('globs RE2 cannot do are refused before any request', () => {
  it.each([
    ['keep-tags', '!(latest)'],
    ['delete-tags', 'v!(1)'],
    ['packages', '!app'],
    ['protect-pinned', 'deploy/!(x).yaml']
  ])('%s: %j', (input, value) => {
    const text = error({ [input]: value })
    expect(text).toContain(`Invalid input '${input}': ${JSON.stringify(value)}.`)
    expect(text).toMatch(/[Nn]egat/)
  })

  it.each([
    ['keep-tags', 'v{1..5000}'],
    ['packages', 'app-{1..5000}'],
    ['protect-pinned', 'x{1..5000}.yaml']
  ])('%s: a brace range too large to write out, %j', (input, value) => {
    expect(error({ [input]: value })).toMatch(new RegExp(`Invalid input '${input}'.*at most 1000`, 's'))
  })
})

describe('three stars in a path glob are refused before any request', () => {
  it.each([
    ['packages', 'app/***'],
    ['protect-pinned', 'deploy/***/values.yaml']
  ])('%s: %j', (input, value) => {
    expect(error({ [input]: value })).toMatch(
      new RegExp(`^Invalid input '${input}': .*\`\\*\\*\\*\` is ambiguous in a path: write \`\\*\\*\``)
    )
  })
})
