// A table of bad input (issue 16, item 8). Each row runs the action's real entry, src/main.ts run(), with
// INPUT_* variables set the way the runner sets them (every declared input, its default unless the row gives
// a value), against the simulator on 127.0.0.1, which records every request it receives. A bad value must end
// the run with an error that names the input, before the first request: zero requests, nothing deleted, no
// journal. Rows that point a URL elsewhere still point at the simulator (0.0.0.0 reaches a loopback listener
// but is not a loopback address), so a check that came too late would show up in the count.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { run } from '../../src/main.js'
import { realisticScenario } from '../../src/sim/fixtures/scenarios.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'
import { loadActionMetadata } from './repoFiles.js'

const action = loadActionMetadata()
const declared = Object.keys(action.inputs)

let sim: Simulator
let temp: string
let apiPort: string
let registryPort: string

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 0.001, rateLimits: false, tokenTtlSeconds: 86_400 })
  sim.addOwner('acme', 'Organization')
  for (const p of realisticScenario({ owner: 'acme', name: 'app', now: sim.clock.now() })) sim.loadPackage(p)
  temp = mkdtempSync(path.join(tmpdir(), 'bad-inputs-'))
  apiPort = new URL(sim.apiUrl).port
  registryPort = new URL(sim.registryUrl).port
})
afterAll(async () => {
  await sim.close()
  rmSync(temp, { recursive: true, force: true })
})

/** The runner's value of an input default (only the expressions action.yml uses; anything else fails). */
function runnerDefault(value: string): string {
  return value.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_all, expression: string) => {
    const known: Record<string, string> = {
      'github.token': sim.token,
      'github.repository_owner': 'acme',
      'github.api_url': sim.apiUrl,
      'github.actor': sim.login
    }
    if (!(expression in known)) throw new Error(`no runner value for \${{ ${expression} }}`)
    return known[expression]
  })
}

interface Outcome {
  readonly errors: string[]
  readonly exitCode: number | undefined
  readonly requests: number
  /** Versions of acme/app deleted by this run. */
  readonly deleted: number
  /** Files the run created in RUNNER_TEMP (the journal goes there by default). */
  readonly tempFiles: string[]
}

/** Runs the action in-process as the runner would start it with these `with:` values. */
async function runAction(given: Record<string, string>): Promise<Outcome> {
  const env: Record<string, string> = {
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_API_URL: sim.apiUrl,
    GITHUB_ACTOR: sim.login,
    GITHUB_WORKSPACE: temp,
    RUNNER_TEMP: temp
  }
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = name in given ? given[name] : runnerDefault(String(spec.default ?? ''))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  // Not declared as such, but the simulator cannot be derived from api-url, so every row names it.
  if (!('registry-url' in given)) env['INPUT_REGISTRY-URL'] = sim.registryUrl
  env['INPUT_UPLOAD-JOURNAL'] = given['upload-journal'] ?? 'false'

  const saved = new Map(
    [...Object.keys(env), 'GITHUB_STEP_SUMMARY', 'GITHUB_OUTPUT'].map(n => [n, process.env[n]])
  )
  Object.assign(process.env, env)
  delete process.env.GITHUB_STEP_SUMMARY
  delete process.env.GITHUB_OUTPUT
  const lines: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n'))
    return true
  }) as typeof process.stdout.write
  const exitCode = process.exitCode
  const from = sim.requests.length
  const filesBefore = new Set(readdirSync(temp))
  const active = () => sim.state.packageOf('acme', 'app')?.versions('active').length ?? 0
  const activeBefore = active()
  let after: number | undefined
  try {
    process.exitCode = undefined
    await run({ timeScale: 0.001 })
  } finally {
    process.stdout.write = write
    after = typeof process.exitCode === 'number' ? process.exitCode : undefined
    process.exitCode = exitCode
    for (const [n, v] of saved) {
      if (v === undefined) delete process.env[n]
      else process.env[n] = v
    }
  }
  // Each row starts from an empty RUNNER_TEMP, whatever an earlier row left behind.
  const written = readdirSync(temp).filter(f => !filesBefore.has(f))
  for (const f of written) rmSync(path.join(temp, f), { recursive: true, force: true })
  return {
    errors: lines.filter(l => l.startsWith('::error')),
    exitCode: after,
    requests: sim.requests.length - from,
    deleted: activeBefore - active(),
    tempFiles: written
  }
}

type Row = readonly [input: string, value: string, others?: Record<string, string>]

const rows = (): Row[] => {
  const api = `127.0.0.1:${apiPort}`
  const reg = `127.0.0.1:${registryPort}`
  const restore = { mode: 'restore' }
  return [
    ['token', ''],
    ['token', 'ghp_abc def'],
    ['token', 'ghp_abc\nAuthorization: Basic ZXZpbA=='],
    ['token', 'ghp_tökén'],
    ['owner', '../acme'],
    ['owner', 'acme/app'],
    ['owner', '-acme'],
    ['owner', 'a'.repeat(40)],
    ['owner', 'acme\n::error::injected'],
    ['packages', '..'],
    ['packages', '.'],
    ['packages', 'app/../other'],
    ['packages', '../app'],
    ['packages', 'app//web'],
    ['packages', '/app'],
    ['packages', 'app/'],
    ['packages', 'app%2F..'],
    ['packages', 'app#fragment'],
    ['packages', 'app?x=1'],
    ['packages', 'app\\web'],
    ['packages', 'app web'],
    ['packages', ', ,'],
    ['dry-run', 'yes'],
    ['dry-run', 'on'],
    ['dry-run', '1'],
    ['mode', 'delete-everything'],
    ['mode', 'PRUNE'],
    ['keep-tags', '/[unclosed/'],
    ['delete-tags', '/[unclosed/'],
    ['delete-tags', 'latest', { 'keep-tags': 'latest' }],
    ['keep-n-tagged', '-1'],
    ['keep-n-tagged', '1e3'],
    ['older-than', '30 fortnights'],
    ['older-than', '-5d'],
    ['group-by', '^pr-(\\d+', { 'keep-n-tagged': '2' }],
    ['group-by', '^pr-(\\d+)-'],
    ['keep-semver', 'majors=x'],
    ['keep-semver', 'everything'],
    ['keep-semver-prereleases', 'maybe'],
    ['age-by', 'modified'],
    ['delete-untagged', 'nope'],
    ['untagged-grace', 'a week'],
    ['keep-n-untagged', '1.5'],
    ['delete-dangling', 'y'],
    ['keep-digests', 'sha256:xyz'],
    ['keep-digests', `md5:${'a'.repeat(32)}`],
    ['delete-ghost-indexes', 'maybe'],
    ['delete-partial-indexes', '2'],
    ['max-deletions', '-5'],
    ['max-deletions', '150%'],
    ['max-deletions', 'lots'],
    ['untag', 'always'],
    ['pr-tag', 'pr-'],
    ['pr-grace', 'soon', { 'pr-tag': 'pr-{number}' }],
    ['branch-tag', 'branch'],
    ['repository', 'acme'],
    ['repository', 'acme/..'],
    ['repository', 'acme/app/x'],
    ['keep-daily', '-1'],
    ['keep-weekly', 'seven'],
    ['keep-monthly', '1.5'],
    ['keep-yearly', 'x'],
    ['build-cache-tags', '/[x/'],
    ['keep-n-build-cache', 'all'],
    ['fail-on-noop', 'sometimes'],
    ['max-concurrency', '0'],
    ['max-concurrency', '65'],
    ['max-concurrency', 'many'],
    ['request-budget', '0'],
    ['request-budget', '-5'],
    ['request-budget', '1.5'],
    ['protect-pinned', '/etc/**'],
    ['protect-pinned', '../other/*.yaml'],
    ['protect-pinned', 'C:\\deploy\\*.yaml'],
    ['protect-pinned-repositories', 'acme'],
    ['protect-pinned-repositories', 'acme/..'],
    ['protect-pinned-repositories', 'acme/deploy@'],
    ['cache', 'yes'],
    ['journal-file', 'out/journal.json\n::error::injected'],
    ['upload-journal', 'yes'],
    ['validate-after-prune', 'on'],
    ['fail-on-broken', 'no'],
    ['restore-from', 'jour\rnal.json', restore],
    ['restore-from', '', restore],
    ['restore-within', '45d', restore],
    ['restore-within', 'forever', restore],
    ['restore-within', '2h', { ...restore, 'restore-from': 'journal.json' }],
    ['api-url', `http://0.0.0.0:${apiPort}`],
    ['api-url', `ftp://${api}`],
    ['api-url', `https://me:hunter2@${api}`],
    ['api-url', 'api.github.com'],
    ['api-url', `http://${api}?per_page=1`],
    ['registry-url', `http://0.0.0.0:${registryPort}`],
    ['registry-url', `http://${reg}/prefix`],
    ['registry-url', 'file:///etc/passwd'],
    ['registry-url', `http://u:p@${reg}`],
    ['registry-username', 'me:you'],
    ['registry-username', 'me you']
  ]
}

describe('a table of bad input, through the action entry, against a counting simulator', () => {
  it('has at least 50 rows and every declared input at least once', () => {
    const table = rows()
    expect(table.length).toBeGreaterThanOrEqual(50)
    const covered = new Set(table.map(([input]) => input))
    expect(declared.filter(name => !covered.has(name))).toEqual([])
    expect([...covered].filter(name => !declared.includes(name))).toEqual([])
  })

  it('a good configuration makes requests and succeeds (the counter counts)', async () => {
    const outcome = await runAction({ mode: 'list', packages: 'app' })
    expect(outcome.errors).toEqual([])
    expect(outcome.exitCode).toBeUndefined()
    expect(outcome.requests).toBeGreaterThan(0)
  })

  it('every bad value fails naming its input, with zero requests and nothing deleted', async () => {
    const problems: string[] = []
    for (const [input, value, others] of rows()) {
      const outcome = await runAction({ ...others, [input]: value })
      const row = `${input}=${JSON.stringify(value)}${others ? ` with ${JSON.stringify(others)}` : ''}`
      const named = outcome.errors.some(line => line.includes(`'${input}'`))
      if (!named)
        problems.push(`${row}: no error naming '${input}' (errors: ${JSON.stringify(outcome.errors)})`)
      if (outcome.exitCode !== 1) problems.push(`${row}: exit code ${outcome.exitCode}`)
      if (outcome.requests !== 0) problems.push(`${row}: ${outcome.requests} requests before the error`)
      if (outcome.deleted !== 0) problems.push(`${row}: ${outcome.deleted} versions deleted`)
      if (outcome.tempFiles.length > 0) problems.push(`${row}: wrote ${outcome.tempFiles.join(', ')}`)
      // The token and a URL's password never reach the log, not even quoted in the error.
      if (outcome.errors.some(line => line.includes(sim.token) || line.includes('hunter2')))
        problems.push(`${row}: a secret in the error`)
      // A value quoted back stays on the error's line: no line of its own that the runner would execute.
      if (outcome.errors.some(line => /^::error::.*\n/.test(line))) problems.push(`${row}: a line break`)
    }
    expect(problems).toEqual([])
    expect(existsSync(path.join(temp, 'ghcr-retention-journal.json'))).toBe(false)
  }, 120_000)
})
