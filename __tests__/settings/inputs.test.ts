import { describe, expect, it } from '@jest/globals'
import { readSettings, splitList } from '../../src/settings/inputs.js'
import { InputError } from '../../src/settings/InputError.js'

const env = {
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_API_URL: 'https://api.github.com',
  RUNNER_TEMP: '/tmp/rt'
}

function reader(inputs: Record<string, string>) {
  return (name: string) => inputs[name] ?? ''
}

function settingsError(inputs: Record<string, string>): Error {
  try {
    readSettings(reader({ token: 't0k3n', ...inputs }), env)
  } catch (e) {
    return e as Error
  }
  throw new Error('expected readSettings to throw')
}

describe('readSettings', () => {
  it('fills defaults from the workflow context', () => {
    const s = readSettings(reader({ token: 'secret-token' }), env)
    expect(s.owner).toBe('acme')
    expect(s.packages).toEqual(['app'])
    expect(s.dryRun).toBe(false)
    expect(s.mode).toBe('prune')
    expect(s.apiUrl).toBe('https://api.github.com')
    expect(s.registryUrl).toBe('https://ghcr.io')
    expect(s.concurrency).toBe(8)
    expect(s.journalFile).toBe('/tmp/rt/ghcr-retention-journal.jsonl')
    expect(s.policy.deleteUntagged).toBe(true)
    expect(s.policy.untaggedGraceMs).toBe(7 * 24 * 3600 * 1000)
    expect(s.requestBudget).toBeUndefined()
  })

  it('derives the registry of a GitHub Enterprise Server from its API URL', () => {
    const s = readSettings(reader({ token: 't', 'api-url': 'https://ghe.example.com/api/v3' }), env)
    expect(s.registryUrl).toBe('https://containers.ghe.example.com')
  })

  it('splits list inputs on commas and newlines', () => {
    expect(splitList(' a, b\n\nc ,')).toEqual(['a', 'b', 'c'])
    const s = readSettings(reader({ token: 't', packages: 'app\napp/*' }), env)
    expect(s.packages).toEqual(['app', 'app/*'])
  })

  it.each([
    [{ token: '' }, 'token'],
    [{ owner: 'bad owner!' }, 'owner'],
    [{ packages: '/app' }, 'packages'],
    [{ 'dry-run': 'yes' }, 'dry-run'],
    [{ mode: 'delete-everything' }, 'mode'],
    [{ 'max-concurrency': '0' }, 'max-concurrency'],
    [{ 'max-concurrency': 'many' }, 'max-concurrency'],
    [{ 'api-url': 'api.github.com' }, 'api-url'],
    [{ 'registry-url': 'ftp://ghcr.io' }, 'registry-url'],
    [{ 'request-budget': '-5' }, 'request-budget'],
    [{ mode: 'restore' }, 'restore-from'],
    [{ mode: 'restore', 'restore-within': '45d' }, 'restore-within'],
    [{ 'older-than': '30 fortnights' }, 'older-than'],
    [{ 'keep-n-tagged': '-1' }, 'keep-n-tagged'],
    [{ 'delete-tags': '/[unclosed/' }, 'delete-tags']
  ])('rejects %j naming the input %s and quoting the value', (inputs, input) => {
    const err = settingsError(inputs as Record<string, string>)
    expect(err.message).toContain(`'${input}'`)
    const value = (inputs as Record<string, string>)[input]
    if (value) expect(err.message).toContain(JSON.stringify(value).slice(1, -1))
  })

  it('never puts the token in an error message', () => {
    const err = settingsError({ token: 'ghp_supersecret', 'max-concurrency': 'x' })
    expect(err).toBeInstanceOf(InputError)
    expect(err.message).not.toContain('ghp_supersecret')
  })
})
