// Inputs declared = inputs read. The settings reader is given a ReadInput that records every name it asks for;
// over runs that cover every mode and every policy path, the names asked for must be exactly the inputs
// action.yml declares: none read that the runner would never pass (it sets INPUT_* only for declared inputs),
// none declared that nothing reads (a user would set it and nothing would happen). The expected side is
// action.yml itself, not another list of names.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { readSettings, type ReadInput } from '../../src/settings/inputs.js'
import type { Settings } from '../../src/settings/Settings.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const declared = Object.keys(
  (parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs
)

const env = {
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_REPOSITORY_OWNER: 'acme',
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_ACTOR: 'octocat',
  RUNNER_TEMP: '/tmp/rt'
}

const DIGEST = `sha256:${'a'.repeat(64)}`

/** A configuration per mode and per policy path: every rule set, unset, and its special forms. */
const RUNS: Record<string, Record<string, string>> = {
  'prune with nothing but the token': {},
  'prune, dry-run, every policy input set': {
    'dry-run': 'true',
    'keep-tags': 'latest, /^v\\d+$/',
    'delete-tags': 'pr-*, feature-*',
    'keep-n-tagged': '5',
    'older-than': '30d',
    'group-by': '^pr-(\\d+)-',
    'keep-semver': 'majors, minors=3, patches=1',
    'keep-semver-prereleases': 'true',
    'age-by': 'created',
    'delete-untagged': 'false',
    'untagged-grace': '2d',
    'keep-n-untagged': '3',
    'delete-dangling': 'true',
    'keep-digests': DIGEST,
    'delete-ghost-indexes': 'true',
    'delete-partial-indexes': 'true',
    'max-deletions': '20%',
    untag: 'true',
    'pr-tag': 'pr-{number}',
    'pr-grace': '3d',
    'branch-tag': 'branch-{branch}',
    repository: 'acme/other',
    'keep-daily': '7',
    'keep-weekly': '4',
    'keep-monthly': '12',
    'keep-yearly': '2',
    'build-cache-tags': 'buildcache, *-cache',
    'keep-n-build-cache': '2',
    'fail-on-noop': 'true',
    'max-concurrency': '4',
    'request-budget': '500',
    'protect-pinned': 'defaults, deploy/**/*.json',
    'protect-pinned-repositories': 'acme/deploy@main',
    cache: 'false',
    'journal-file': 'out/journal.json',
    'upload-journal': 'false',
    'validate-after-prune': 'true',
    'fail-on-broken': 'false'
  },
  'prune with a count cap, build caches by manifest only, pins off': {
    'max-deletions': '500',
    'build-cache-tags': 'none',
    'protect-pinned': 'false',
    'older-than': 'P2W'
  },
  validate: { mode: 'validate' },
  'restore from a journal': { mode: 'restore', 'restore-from': 'journal.json' },
  'restore within a window': { mode: 'restore', 'restore-within': '2h' },
  list: { mode: 'list', packages: 'app, app/*' },
  'another server': {
    'api-url': 'https://ghes.corp.example/api/v3',
    'registry-url': 'https://containers.ghes.corp.example',
    'registry-username': 'robot',
    owner: 'corp'
  }
}

function recordRun(inputs: Record<string, string>): { settings: Settings; asked: Set<string> } {
  const asked = new Set<string>()
  const read: ReadInput = name => {
    asked.add(name)
    return (name === 'token' ? 'ghs_token' : inputs[name]) ?? ''
  }
  return { settings: readSettings(read, env), asked }
}

describe('inputs declared = inputs read', () => {
  const all = new Set<string>()
  const modes = new Set<string>()
  for (const [title, inputs] of Object.entries(RUNS)) {
    it(`reads only declared inputs: ${title}`, () => {
      const { settings, asked } = recordRun(inputs)
      modes.add(settings.mode)
      for (const name of asked) all.add(name)
      expect([...asked].filter(name => !declared.includes(name))).toEqual([])
      // Every value given was asked for (a value set but never read is an input the code ignores).
      expect(Object.keys(inputs).filter(name => !asked.has(name))).toEqual([])
    })
  }

  it('covers every mode', () => {
    expect([...modes].sort()).toEqual(['list', 'prune', 'restore', 'validate'])
  })

  it('reads every declared input in some run, and nothing else', () => {
    expect(declared.length).toBeGreaterThan(40)
    expect(declared.filter(name => !all.has(name))).toEqual([])
    expect([...all].filter(name => !declared.includes(name))).toEqual([])
  })

  it('the configured values reach the settings (the runs are not vacuous)', () => {
    const { settings } = recordRun(RUNS['prune, dry-run, every policy input set'])
    expect(settings).toMatchObject({ dryRun: true, concurrency: 4, requestBudget: 500, validateAfter: true })
    expect(settings.policy).toMatchObject({ keepNTagged: 5, keepNUntagged: 3, untag: true, ageBy: 'created' })
    expect(settings.policy.timeBuckets).toEqual({ daily: 7, weekly: 4, monthly: 12, yearly: 2 })
  })
})
