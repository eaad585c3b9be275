// The repository's own workflows follow its supply-chain rules (issue "Ship it", item 3): least-privilege
// permissions on every workflow, third-party actions pinned by commit SHA, a timeout on every job, no expression
// spliced into a shell script. actionlint (actionlint.test.ts) checks the syntax and semantics on top.
import { describe, expect, it } from '@jest/globals'
import {
  isMap,
  loadActionMetadata,
  loadWorkflows,
  parseYaml,
  readRepoFile,
  usesOf,
  workflowFiles,
  type Workflow,
  type WorkflowJob
} from './repoFiles.js'

const workflows = loadWorkflows()
const byFile = (file: string): Workflow => {
  const found = workflows.find(w => w.file === file)
  if (!found) throw new Error(`.github/workflows/${file} is missing`)
  return found
}
const eachWorkflow = workflows.map((w): [string, Workflow] => [w.file, w])
const jobsOf = (w: Workflow): [string, WorkflowJob][] => Object.entries(w.doc.jobs)
const SHA_PIN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/
const USES_LINE = /^\s*(?:-\s+)?uses:\s*(['"]?)([^\s'"#]+)\1\s*(#.*)?$/

/** Permission maps may only grant what the job needs; `write-all`/`read-all` shorthands hide that. */
const permissionValues = (permissions: unknown): string[] => {
  if (typeof permissions === 'string') return [permissions]
  if (!isMap(permissions)) return []
  return Object.values(permissions).map(String)
}

describe('the workflows', () => {
  it('are the expected set, each valid YAML with unique keys', () => {
    expect(workflowFiles()).toEqual(
      expect.arrayContaining(['ci.yml', 'check-dist.yml', 'codeql.yml', 'release.yml'])
    )
    for (const w of workflows) expect(Object.keys(w.doc.jobs).length).toBeGreaterThan(0)
  })

  it.each(eachWorkflow)('%s sets top-level permissions that grant no write', (_file, w) => {
    expect(w.doc.permissions).toBeDefined()
    expect(isMap(w.doc.permissions) || w.doc.permissions === '{}').toBe(true)
    for (const value of permissionValues(w.doc.permissions)) expect(['read', 'none']).toContain(value)
  })

  it.each(eachWorkflow)('%s: every job has runs-on, a timeout and explicit permission values', (_f, w) => {
    for (const [name, job] of jobsOf(w)) {
      const where = `${w.file} job ${name}`
      if (job.uses === undefined)
        expect({ where, runsOn: job['runs-on'] }).toEqual({ where, runsOn: expect.anything() })
      const timeout = job['timeout-minutes']
      expect({ where, timeout: typeof timeout }).toEqual({ where, timeout: 'number' })
      expect(timeout as number).toBeGreaterThan(0)
      expect(timeout as number).toBeLessThanOrEqual(60)
      if (job.permissions !== undefined) {
        expect(isMap(job.permissions)).toBe(true)
        for (const value of permissionValues(job.permissions))
          expect(['read', 'write', 'none']).toContain(value)
      }
    }
  })

  it.each(eachWorkflow)('%s: every step has an id and every checkout drops the token', (_f, w) => {
    for (const [name, job] of jobsOf(w)) {
      for (const [i, step] of (job.steps ?? []).entries()) {
        expect({ where: `${w.file} ${name} step ${i + 1}`, id: typeof step.id }).toEqual({
          where: `${w.file} ${name} step ${i + 1}`,
          id: 'string'
        })
        if (step.uses?.startsWith('actions/checkout@')) {
          expect({ step: step.id, persist: step.with?.['persist-credentials'] }).toEqual({
            step: step.id,
            persist: false
          })
        }
      }
    }
  })

  it.each(eachWorkflow)('%s pins every third-party action by commit SHA with a version comment', (_f, w) => {
    const parsed = usesOf(w)
    const lines = w.text.split('\n').filter(line => /^\s*(?:-\s+)?uses:/.test(line))
    // The raw lines carry the comments; both views must agree so that no `uses:` escapes the check.
    expect(lines.map(line => USES_LINE.exec(line)?.[2])).toEqual(parsed)
    for (const line of lines) {
      const [, , ref, comment] = USES_LINE.exec(line) ?? []
      if (ref.startsWith('./')) continue
      if (ref.startsWith('docker://')) {
        expect(ref).toMatch(/@sha256:[0-9a-f]{64}$/)
        continue
      }
      expect(ref).toMatch(SHA_PIN)
      expect({ ref, comment }).toEqual({ ref, comment: expect.stringMatching(/^# v\d+\.\d+\.\d+\b/) })
    }
  })

  it('pin each action to one commit across all workflows', () => {
    const pins = new Map<string, Set<string>>()
    for (const ref of workflows.flatMap(usesOf).filter(r => SHA_PIN.test(r))) {
      const [action, sha] = ref.split('@')
      const repo = action.split('/').slice(0, 2).join('/')
      pins.set(repo, (pins.get(repo) ?? new Set()).add(sha))
    }
    expect(pins.size).toBeGreaterThan(0)
    for (const [repo, shas] of pins) expect({ repo, shas: shas.size }).toEqual({ repo, shas: 1 })
  })

  it.each(eachWorkflow)('%s splices no expression into a shell script (pass it through env)', (_f, w) => {
    for (const [name, job] of jobsOf(w)) {
      for (const step of job.steps ?? []) {
        if (typeof step.run === 'string')
          expect({ where: `${w.file} ${name} ${step.id}`, run: step.run }).not.toEqual({
            where: `${w.file} ${name} ${step.id}`,
            run: expect.stringContaining('${{')
          })
      }
    }
  })

  it('never run untrusted pull-request code with a write token', () => {
    for (const w of workflows) {
      const triggers =
        typeof w.doc.on === 'string'
          ? [w.doc.on]
          : Array.isArray(w.doc.on)
            ? w.doc.on
            : Object.keys(w.doc.on as object)
      expect({ file: w.file, triggers }).not.toEqual({
        file: w.file,
        triggers: expect.arrayContaining(['pull_request_target'])
      })
      expect({ file: w.file, triggers }).not.toEqual({
        file: w.file,
        triggers: expect.arrayContaining(['workflow_run'])
      })
    }
  })
})

describe('ci.yml', () => {
  const ci = byFile('ci.yml')
  const steps = jobsOf(ci).flatMap(([, job]) => job.steps ?? [])

  it('runs the whole suite with bash script/test on Node 20 and 24', () => {
    const test = ci.doc.jobs.test
    expect(isMap(test.strategy) && isMap(test.strategy.matrix) && test.strategy.matrix.node).toEqual(
      expect.arrayContaining([20, 24])
    )
    expect((test.steps ?? []).map(s => s.run?.trim())).toContain('bash script/test')
  })

  it('runs the action itself (uses: ./) in dry-run, with inputs action.yml declares', () => {
    const action = loadActionMetadata()
    const own = steps.filter(s => s.uses === './')
    expect(own.length).toBeGreaterThan(0)
    for (const step of own) {
      expect(String(step.with?.['dry-run'])).toBe('true')
      for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(key)
    }
  })

  it('reads only outputs action.yml declares, and checks them in a later step', () => {
    const action = loadActionMetadata()
    const own = steps.find(s => s.uses === './')
    const read = [
      ...ci.text.matchAll(new RegExp(`steps\\.${own?.id}\\.outputs\\.([A-Za-z0-9_-]+)`, 'g'))
    ].map(m => m[1])
    expect(read).toEqual(expect.arrayContaining(['deleted-count', 'journal-file']))
    for (const name of read) expect(Object.keys(action.outputs)).toContain(name)
  })
})

describe('release.yml', () => {
  const release = byFile('release.yml')

  it('runs on semver tags only', () => {
    expect(release.doc.on).toEqual({ push: { tags: expect.arrayContaining(['v[0-9]+.[0-9]+.[0-9]+']) } })
  })

  it('verifies the tag before publishing, and only the publishing job can write', () => {
    const writers = jobsOf(release).filter(([, job]) => permissionValues(job.permissions).includes('write'))
    expect(writers.map(([name]) => name)).toEqual(['publish'])
    expect(release.doc.jobs.publish.needs).toBe('verify')
    expect(release.doc.jobs.publish.permissions).toEqual({ contents: 'write' })
    const verifyRuns = (release.doc.jobs.verify.steps ?? []).map(s => s.run ?? '').join('\n')
    expect(verifyRuns).toContain('script/release verify')
    const publishRuns = (release.doc.jobs.publish.steps ?? []).map(s => s.run ?? '').join('\n')
    expect(publishRuns).toContain('script/release notes')
    expect(publishRuns).toMatch(/refs\/tags\/\$\{major\}/)
  })
})

describe('codeql.yml', () => {
  it('analyses javascript-typescript and only its job may upload results', () => {
    const codeql = byFile('codeql.yml')
    const [[, job]] = jobsOf(codeql)
    expect(job.permissions).toEqual(expect.objectContaining({ 'security-events': 'write' }))
    const init = (job.steps ?? []).find(s => s.uses?.startsWith('github/codeql-action/init@'))
    expect(init?.with?.languages).toBe('javascript-typescript')
  })
})

describe('dependabot.yml', () => {
  const config = parseYaml(readRepoFile('.github/dependabot.yml'), 'dependabot.yml') as {
    version: number
    updates: {
      'package-ecosystem': string
      schedule: { interval: string }
      groups?: Record<string, unknown>
    }[]
  }

  it('updates npm and GitHub Actions weekly, grouped', () => {
    expect(config.version).toBe(2)
    expect(config.updates.map(u => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm'])
    for (const update of config.updates) {
      expect(update.schedule.interval).toBe('weekly')
      expect(Object.keys(update.groups ?? {}).length).toBeGreaterThan(0)
    }
  })
})
