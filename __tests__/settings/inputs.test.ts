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
    expect(s.concurrency).toBe(64)
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
    [{ 'max-concurrency': '65' }, 'max-concurrency'],
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

  it.each([
    ['api-url', 'http://api.github.com'],
    ['api-url', 'http://ghes.corp.example/api/v3'],
    ['api-url', 'http://0.0.0.0:8080'],
    ['registry-url', 'http://ghcr.io'],
    ['registry-url', 'http://[::ffff:8.8.8.8]:5000']
  ])('refuses plain http for %s to a host that is not loopback: %s', (input, value) => {
    const err = settingsError({ [input]: value })
    expect(err.message).toContain(`'${input}'`)
    expect(err.message).toContain('unencrypted')
  })

  it.each(['http://127.0.0.1:8080', 'http://127.3.2.1', 'http://localhost:3000', 'http://[::1]:9000'])(
    'allows plain http to the loopback host of %s',
    url => {
      const s = readSettings(reader({ token: 't', 'api-url': `${url}/api/v3`, 'registry-url': url }), env)
      expect(s.apiUrl).toBe(`${url}/api/v3`)
      expect(s.registryUrl).toBe(url)
    }
  )

  it('refuses plain http when the registry URL is derived from a plain-http server', () => {
    expect(() =>
      readSettings(reader({ token: 't' }), {
        ...env,
        GITHUB_API_URL: 'https://ghes.corp.example/api/v3',
        GITHUB_SERVER_URL: 'http://ghes.corp.example'
      })
    ).toThrow(/'registry-url': "http:\/\/containers\.ghes\.corp\.example"/)
  })

  it('refuses a registry-url with a path instead of ignoring it', () => {
    expect(settingsError({ 'registry-url': 'https://ghcr.io/acme' }).message).toContain(
      'the registry host only'
    )
    const s = readSettings(reader({ token: 't', 'registry-url': 'https://ghcr.io/' }), env)
    expect(s.registryUrl).toBe('https://ghcr.io')
  })

  it('refuses credentials, a query or a fragment in a URL, and never echoes the password', () => {
    const err = settingsError({ 'api-url': 'https://me:hunter2@api.github.com' })
    expect(err.message).toContain("'api-url'")
    expect(err.message).not.toContain('hunter2')
    expect(settingsError({ 'registry-url': 'https://ghcr.io?x=1' }).message).toContain('`?query`')
    expect(settingsError({ 'api-url': 'https://api.github.com#top' }).message).toContain('`#fragment`')
  })

  it.each([
    '.',
    '..',
    'app/..',
    '../app',
    './app',
    'app//web',
    'app/./web',
    'app%2F..',
    'app#x',
    'a\\b',
    'app?x=1'
  ])('refuses the package name or pattern %j', value => {
    const err = settingsError({ packages: value })
    expect(err.message).toContain("'packages'")
    expect(err.message).toContain(JSON.stringify(value).slice(1, -1))
  })

  it('still accepts names and globs of package paths', () => {
    const s = readSettings(
      reader({ token: 't', packages: 'app, app/*, team/**, app-v2.1_x, web?, {a,b}' }),
      env
    )
    expect(s.packages).toEqual(['app', 'app/*', 'team/**', 'app-v2.1_x', 'web?', '{a', 'b}'])
  })

  it.each([
    [{ repository: 'acme/..' }, 'repository'],
    [{ repository: 'acme/.' }, 'repository'],
    [{ 'registry-username': 'me:you' }, 'registry-username'],
    [{ 'registry-username': 'me you' }, 'registry-username'],
    [{ 'journal-file': 'out/j.json\n::error::x' }, 'journal-file'],
    [{ mode: 'restore', 'restore-from': 'j.json\r' }, 'restore-from'],
    [{ mode: 'restore', 'restore-from': 'j.json', 'restore-within': '2h' }, 'restore-within']
  ])('rejects %j naming the input %s', (inputs, input) => {
    expect(settingsError(inputs as Record<string, string>).message).toContain(`'${input}'`)
  })

  it.each(['ghp_abc def', 'ghp_abc\nAuthorization: x', 'ghp_\u00e9'])(
    'refuses a token that would break the Authorization header, without quoting it',
    token => {
      const err = settingsError({ token })
      expect(err.message).toContain("'token'")
      expect(err.message).not.toContain('ghp_')
    }
  )

  it('never puts the token in an error message', () => {
    const err = settingsError({ token: 'ghp_supersecret', 'max-concurrency': 'x' })
    expect(err).toBeInstanceOf(InputError)
    expect(err.message).not.toContain('ghp_supersecret')
  })
})
