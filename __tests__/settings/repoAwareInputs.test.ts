/** Issue 10 inputs: read before any request; a bad value names the input, quotes it and gives the form. */
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

describe('pull request, branch, bucket and build-cache inputs', () => {
  it('defaults: the current repository, no rules, fail-on-noop off', () => {
    const s = readSettings(read({}), env)
    expect(s.repository).toEqual({ owner: 'acme', repo: 'app' })
    expect(s.failOnNoop).toBe(false)
    expect(s.policy.prTags).toBeUndefined()
    expect(s.policy.timeBuckets).toBeUndefined()
    const local = readSettings(read({ owner: 'acme', packages: 'app' }), { RUNNER_TEMP: '/tmp' })
    expect(local.repository).toBeUndefined()
  })

  it('reads every input', () => {
    const s = readSettings(
      read({
        'pr-tag': 'pr-{number}, pr-{number}-*',
        'pr-grace': '2d',
        'branch-tag': 'branch-{branch}',
        repository: 'acme/other',
        'keep-daily': '7',
        'keep-monthly': '12',
        'build-cache-tags': 'none',
        'keep-n-build-cache': '2',
        'fail-on-noop': 'true'
      }),
      env
    )
    expect(s.policy.prTags!.map(t => t.source)).toEqual(['pr-{number}', 'pr-{number}-*'])
    expect(s.policy.prGraceMs).toBe(2 * 86_400_000)
    expect(s.policy.branchTags!.map(t => t.source)).toEqual(['branch-{branch}'])
    expect(s.repository).toEqual({ owner: 'acme', repo: 'other' })
    expect(s.policy.timeBuckets).toEqual({ daily: 7, monthly: 12 })
    expect(s.policy.buildCacheTags).toEqual([])
    expect(s.policy.keepNBuildCache).toBe(2)
    expect(s.failOnNoop).toBe(true)
  })

  it('names the bad input and the accepted form', () => {
    expect(error({ repository: 'acme' })).toMatch(/repository.*"acme".*owner\/name/s)
    expect(error({ 'pr-tag': 'pr-*' })).toMatch(/pr-tag.*pr-\*.*\{number\}/s)
    expect(error({ 'branch-tag': 'feature/{branch}' })).toMatch(/branch-tag.*cannot be part of a tag/s)
    expect(error({ 'keep-weekly': '-1' })).toMatch(/keep-weekly.*-1.*whole number/s)
    expect(error({ 'pr-grace': 'soon' })).toMatch(/pr-grace/)
    expect(error({ 'fail-on-noop': 'yes' })).toMatch(/fail-on-noop/)
  })
})
