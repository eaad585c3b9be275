/**
 * The exit rule (docs/safety.md, exit status) end to end: the whole action (src/main.ts, in-process) against the
 * simulator. Each case checks the exit status (`core.setFailed`), the annotation, the outputs and that the step
 * summary was written. Also: fail-on-noop on a pull request's `closed` event, and the pace of deletes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { runAction, type ActionRun } from '../../bench/lib/actionRun.js'
import { WRITE_GAP_MS } from '../../src/main.js'
import { buildRealisticScenario } from '../../src/sim/fixtures/scenarios.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'

const NOW = Date.parse('2026-06-01T00:00:00Z')
let sim: Simulator
let dir: string

async function freshSimulator(timeScale = 0.001): Promise<Simulator> {
  const s = await startSimulator({ timeScale, startTime: NOW, rateLimits: false, tokenTtlSeconds: 86_400 })
  s.addOwner('acme', 'Organization')
  for (const p of buildRealisticScenario({ owner: 'acme', name: 'app', now: NOW }).packages) s.loadPackage(p)
  const repo = s.state.addRepo('acme', 'app')
  repo.addBranch('main', undefined, true)
  repo.addPull({ number: 12, headRef: 'feature/login' })
  repo.addPull({ number: 13, headRef: 'docs/typo' })
  repo.addPull({ number: 50, headRef: 'fix/cache' })
  return s
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'exit-status-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeEach(async () => {
  sim = await freshSimulator()
})
afterEach(async () => {
  await sim.close()
})

const deletesSent = (s: Simulator) => s.requests.filter(r => r.side === 'rest' && r.method === 'DELETE')
/** `::warning title=…::message` / `::error …` lines as the runner turns them into annotations. */
const annotations = (run: ActionRun, level: 'warning' | 'error' | 'notice') =>
  run.log
    .filter(l => l.startsWith(`::${level} `) || l.startsWith(`::${level}::`))
    // Undo the workflow-command escaping of @actions/core (properties and message alike).
    .map(l => l.replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%0A/g, '\n').replace(/%25/g, '%'))

const policy = {
  packages: 'app',
  'keep-tags': 'latest, main',
  'delete-tags': 'v*, pr-*, sha-*',
  'keep-n-tagged': '3',
  'older-than': '30d',
  'untagged-grace': '7d'
}

describe('the exit rule', () => {
  it('a real run that max-deletions blocks fails, counts what it held back, deletes nothing', async () => {
    const run = await runAction({
      sim,
      inputs: { ...policy, 'max-deletions': '1' },
      keepLog: true,
      stepSummary: true
    })
    expect(run.failed).toMatch(
      /^failed: app \(blocked by the safety cap: The plan for app deletes \d+ of \d+/
    )
    expect(run.failed).toContain('set max-deletions to')
    expect(deletesSent(sim)).toHaveLength(0)
    const totals = run.log.find(l => l.startsWith('totals app:'))!
    const held = Number(/held_back=(\d+)/.exec(totals)![1])
    expect(held).toBeGreaterThan(1)
    expect(totals).toContain(' deleted=0 ')
    expect(run.log.filter(l => l.startsWith('held back app:'))).toHaveLength(held)
    expect(annotations(run, 'error').some(l => l.includes('title=app: max-deletions blocked the plan'))).toBe(
      true
    )
    // Outputs and summary are written either way.
    expect(run.outputs['deleted-count']).toBe('0')
    expect(Number(run.outputs['kept-count'])).toBe(Number(/versions=(\d+)/.exec(totals)![1]))
    expect(run.outputs['remaining']).toBe('0')
    expect(run.summary).toContain('Blocked by max-deletions')
  })

  it('a dry run that a real run would block says so in a warning and succeeds', async () => {
    const run = await runAction({
      sim,
      inputs: { ...policy, 'max-deletions': '1', 'dry-run': 'true' },
      keepLog: true,
      stepSummary: true
    })
    expect(run.failed).toBeUndefined()
    const warning = annotations(run, 'warning').find(l =>
      l.includes('title=app: a real run would be blocked by max-deletions')
    )
    expect(warning).toContain('A real run with these inputs would fail.')
    expect(annotations(run, 'error')).toEqual([])
    expect(run.log.find(l => l.startsWith('dry-run: totals app:'))).toMatch(/held_back=[1-9]/)
    expect(run.log.some(l => /^ok; app: a real run would fail: blocked by the safety cap/.test(l))).toBe(true)
    expect(run.outputs['deleted-count']).toBe('0')
    expect(run.summary).toContain('A real run would fail, blocked by max-deletions')
  })

  it('a used-up request budget succeeds with a warning; the backlog is in the outputs', async () => {
    // Listing takes a few requests; the budget leaves room for two deletes of the plan.
    const listing = await runAction({ sim, inputs: { ...policy, 'dry-run': 'true' } })
    expect(listing.failed).toBeUndefined()
    const planned = Number(listing.outputs['deleted-count'])
    expect(planned).toBeGreaterThan(3)
    const before = sim.requests.filter(r => r.side === 'rest').length
    await runAction({ sim, inputs: { ...policy, 'dry-run': 'true' } })
    const listingRequests = sim.requests.filter(r => r.side === 'rest').length - before

    const run = await runAction({
      sim,
      inputs: { ...policy, 'request-budget': String(listingRequests + 2) },
      keepLog: true,
      stepSummary: true
    })
    expect(run.failed).toBeUndefined()
    expect(Number(run.outputs['deleted-count'])).toBeGreaterThan(0)
    expect(Number(run.outputs['remaining'])).toBeGreaterThan(0)
    expect(Number(run.outputs['deleted-count']) + Number(run.outputs['remaining'])).toBeLessThanOrEqual(
      planned
    )
    expect(
      annotations(run, 'warning').some(l =>
        /title=app: \d+ deletions? left for the next run::stopped early: request-budget/.test(l)
      )
    ).toBe(true)
    expect(run.log.some(l => /^ok; \d+ planned deletes left for the next run$/.test(l))).toBe(true)
    expect(run.summary).toContain('Stopped early')
  })
})

describe('fail-on-noop on the README pull request close example', () => {
  // .github/workflows/pr-images-close.yml of the README: pull_request_target closed, two pr-tag templates.
  const closeInputs = {
    packages: 'app',
    'pr-tag': 'pr-{number}, pr-{number}-*',
    repository: 'acme/app',
    'fail-on-noop': 'true'
  }
  async function closeEvent(number: number): Promise<ActionRun> {
    const file = path.join(dir, `closed-${number}.json`)
    writeFileSync(file, JSON.stringify({ action: 'closed', number, pull_request: { number } }))
    process.env.GITHUB_EVENT_NAME = 'pull_request_target'
    process.env.GITHUB_EVENT_PATH = file
    try {
      return await runAction({ sim, inputs: closeInputs, keepLog: true, stepSummary: true })
    } finally {
      delete process.env.GITHUB_EVENT_NAME
      delete process.env.GITHUB_EVENT_PATH
    }
  }

  it('is green after a successful cleanup, and on a pull request that built no image', async () => {
    sim.state.repo('acme', 'app')!.closePull(12, true)
    const cleanup = await closeEvent(12)
    expect(Number(cleanup.outputs['deleted-count'])).toBeGreaterThan(0)
    expect(cleanup.failed).toBeUndefined()
    // Run again (a re-run of the same event): nothing of #12 is left, and that is no mistake.
    const again = await closeEvent(12)
    expect(again.outputs['deleted-count']).toBe('0')
    expect(again.failed).toBeUndefined()
    sim.state.repo('acme', 'app')!.closePull(13, true)
    const noImage = await closeEvent(13)
    expect(noImage.outputs['deleted-count']).toBe('0')
    expect(noImage.failed).toBeUndefined()
    // Said, not hidden: a notice names the pull request that had no image here.
    expect(
      annotations(noImage, 'notice').some(l => l.includes('finds no tag of closed pull request #13'))
    ).toBe(true)
    expect(noImage.summary).toContain('#13')
  })

  it('still fails a sweep whose pattern matches none of the tags (the typo fail-on-noop is for)', async () => {
    const run = await runAction({
      sim,
      inputs: { packages: 'app', 'pr-tag': 'pr{number}', repository: 'acme/app', 'fail-on-noop': 'true' },
      keepLog: true,
      stepSummary: true
    })
    expect(run.failed).toMatch(/^fail-on-noop: a rule matched nothing: pr-tag 'pr\{number\}' finds no pull/)
    expect(run.summary).not.toBe('')
  })
})

describe('the pace of deletes', () => {
  it('sends content-changing requests at least a second apart (GitHub REST best practices)', async () => {
    expect(WRITE_GAP_MS).toBeGreaterThanOrEqual(1000)
    // A simulator whose clock runs 5× faster: the action's waits shrink alike, so gaps read in GitHub time.
    const fast = await freshSimulator(0.2)
    try {
      const run = await runAction({ sim: fast, inputs: policy })
      expect(run.failed).toBeUndefined()
      const at = deletesSent(fast).map(r => r.at)
      expect(at.length).toBeGreaterThan(4)
      // A request delayed on its way shortens the next gap by as much as it lengthened its own, so the span
      // is the robust measure: only its two ends carry scheduling noise (one real ms = 5 simulated ms).
      expect(at[at.length - 1] - at[0]).toBeGreaterThanOrEqual((at.length - 1) * 1000 - 100)
    } finally {
      await fast.close()
    }
  })
})
