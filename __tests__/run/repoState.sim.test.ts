/**
 * pr-tag / branch-tag against the simulator: pull request states looked up in as few requests as the numbers
 * allow (counted by route), the branch list paginated, the request budget respected, and the action end to
 * end on a sweep and on a pull request's `closed` event.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runAction } from '../../bench/lib/actionRun.js'
import { RequestBudget } from '../../src/execute/RequestBudget.js'
import { PackagesClient } from '../../src/github/PackagesClient.js'
import { octokitRepoState } from '../../src/github/RepoStateClient.js'
import { silentLogger } from '../../src/log/Logger.js'
import type { PackageVersion } from '../../src/model/PackageVersion.js'
import { compilePolicy } from '../../src/planner/compilePolicy.js'
import { closedPullRequestOf, RepoStateSource } from '../../src/run/repoState.js'
import { buildRealisticScenario } from '../../src/sim/fixtures/scenarios.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'

const NOW = Date.parse('2026-06-01T00:00:00Z')
const DAY = 86_400_000
let sim: Simulator
let client: PackagesClient
let dir: string

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 0.001, startTime: NOW, rateLimits: false, tokenTtlSeconds: 86_400 })
  sim.addOwner('acme', 'Organization')
  for (const p of buildRealisticScenario({ owner: 'acme', name: 'app', now: NOW }).packages)
    sim.loadPackage(p)
  const repo = sim.state.addRepo('acme', 'app')
  repo.addBranch('main', undefined, true)
  repo.addBranch('feature/login')
  for (let n = 1; n <= 150; n++) repo.addBranch(`topic-${String(n).padStart(3, '0')}`)
  // Pull requests 1..60; #12 merged three days ago, #7 closed unmerged; #50 open.
  for (let n = 1; n <= 60; n++) {
    repo.addPull({ number: n, headRef: `topic-${n}`, createdAt: NOW - (100 - n) * DAY })
  }
  for (let n = 1; n <= 60; n++) if (n !== 50) repo.closePull(n, n !== 7)
  client = new PackagesClient({ token: sim.token, apiUrl: sim.apiUrl, timeScale: 0.001 })
  dir = mkdtempSync(path.join(tmpdir(), 'repo-state-'))
})
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await sim.close()
})

const tagged = (tags: string[]): PackageVersion[] =>
  tags.map((t, i) => ({
    id: i + 1,
    digest: 'sha256:' + String(i).padStart(64, '0'),
    tags: [t],
    createdAt: NOW,
    updatedAt: NOW
  }))

function source(inputs: Record<string, string>): RepoStateSource {
  return new RepoStateSource({
    api: octokitRepoState(client.octokit),
    owner: 'acme',
    repo: 'app',
    policy: compilePolicy(inputs),
    logger: silentLogger
  })
}
const count = (route: string, from: number) => sim.requests.slice(from).filter(r => r.route === route).length

describe('pull request lookups', () => {
  it('a few numbers far apart: one GET each; a number that is no pull request stays unknown', async () => {
    const from = sim.requests.length
    const s = source({ 'pr-tag': 'pr-{number}' })
    const state = await s.forVersions(
      tagged(['pr-12', 'pr-50', 'pr-999', 'main']),
      RequestBudget.create(client)
    )
    expect(count('GET /repos/{owner}/{repo}/pulls/{pull_number}', from)).toBe(3)
    expect(count('GET /repos/{owner}/{repo}/pulls', from)).toBe(0)
    expect(state.pullRequests!.get(12)).toMatchObject({ state: 'closed', merged: true })
    expect(state.pullRequests!.get(50)).toMatchObject({ state: 'open', merged: false })
    expect(state.pullRequests!.has(999)).toBe(false)
    expect(s.requests).toEqual({ pull: 3, pullPages: 0, branchPages: 0 })
    // Known numbers are not looked up again for the next package.
    await s.forVersions(tagged(['pr-12']), RequestBudget.create(client))
    expect(sim.requests.length - from).toBe(3)
  })

  it('many close numbers: one page of the newest-first list instead of 40 GETs', async () => {
    const from = sim.requests.length
    const s = source({ 'pr-tag': 'pr-{number}' })
    const tags = Array.from({ length: 40 }, (_, i) => `pr-${i + 10}`)
    const state = await s.forVersions(tagged(tags), RequestBudget.create(client))
    expect(count('GET /repos/{owner}/{repo}/pulls', from)).toBe(1)
    expect(count('GET /repos/{owner}/{repo}/pulls/{pull_number}', from)).toBe(0)
    expect(state.pullRequests!.get(7)).toMatchObject({ state: 'closed', merged: false })
    // Closed when the simulator's clock (which runs on from NOW) read it, during setup.
    expect(state.pullRequests!.get(49)!.closedAt).toBeGreaterThanOrEqual(NOW)
    expect(state.pullRequests!.get(49)!.closedAt).toBeLessThan(NOW + DAY)
  })

  it('stops at the request budget and says so; the rest stays unknown', async () => {
    const s = source({ 'pr-tag': 'pr-{number}' })
    const budget = RequestBudget.create(client, 1)
    const state = await s.forVersions(tagged(['pr-1', 'pr-59']), budget)
    expect(s.requests.pull).toBe(1)
    expect(state.pullRequests!.size).toBe(1)
    expect(state.pullRequestsIncomplete).toMatch(/request budget was reached/)
  })
})

describe('branches', () => {
  it('lists every branch, 100 a page, once per run', async () => {
    const from = sim.requests.length
    const s = source({ 'branch-tag': '{branch}' })
    const state = await s.forVersions(tagged(['main']), RequestBudget.create(client))
    await s.forVersions(tagged(['x']), RequestBudget.create(client))
    expect(count('GET /repos/{owner}/{repo}/branches', from)).toBe(2)
    expect(state.branches!.size).toBe(152)
    expect(state.branches!.has('feature/login')).toBe(true)
  })
})

describe('the closed event', () => {
  it('reads the pull request number of a pull_request closed payload', () => {
    const file = path.join(dir, 'event.json')
    writeFileSync(file, JSON.stringify({ action: 'closed', number: 12, pull_request: { number: 12 } }))
    expect(closedPullRequestOf({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: file })).toBe(12)
    expect(closedPullRequestOf({ GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: file })).toBe(
      12
    )
    expect(closedPullRequestOf({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: file })).toBeUndefined()
    writeFileSync(file, JSON.stringify({ action: 'synchronize', number: 12 }))
    expect(
      closedPullRequestOf({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: file })
    ).toBeUndefined()
  })
})

describe('the action', () => {
  const decisionsOf = (journal: Awaited<ReturnType<typeof runAction>>['journal']) =>
    journal.packages.find(p => p.name === 'app')!.decisions!

  it('a sweep deletes the closed pull request images and keeps the open one', async () => {
    const run = await runAction({
      sim,
      inputs: { packages: 'app', 'pr-tag': 'pr-{number}', repository: 'acme/app', 'dry-run': 'true' }
    })
    expect(run.failed).toBeUndefined()
    const d = decisionsOf(run.journal)
    expect(d.find(x => x.tags.includes('pr-12'))).toMatchObject({ action: 'delete', rule: 'pr-closed' })
    expect(d.filter(x => x.tags.includes('pr-50')).map(x => x.rule)).toEqual(['pr-open'])
  })

  it('a branch-tag matching no tag is a warning, not a silent no-op; the branch list is still read once', async () => {
    const before = sim.requests.filter(r => r.route === 'GET /repos/{owner}/{repo}/branches').length
    const run = await runAction({
      sim,
      inputs: { packages: 'app', 'branch-tag': 'branch-{branch}', repository: 'acme/app', 'dry-run': 'true' }
    })
    expect(run.failed).toBeUndefined()
    const warnings = run.journal.packages.find(p => p.name === 'app')!.warnings!.map(w => w.message)
    expect(
      warnings.some(m => /^branch-tag 'branch-\{branch\}' matches none of the \d+ tags of app\.$/.test(m))
    ).toBe(true)
    expect(sim.requests.filter(r => r.route === 'GET /repos/{owner}/{repo}/branches').length - before).toBe(2)
  })

  it('on the closed event of #12 only its images go; a close that finds none is a notice, even with fail-on-noop', async () => {
    const file = path.join(dir, 'closed-12.json')
    writeFileSync(file, JSON.stringify({ action: 'closed', number: 12 }))
    process.env.GITHUB_EVENT_NAME = 'pull_request'
    process.env.GITHUB_EVENT_PATH = file
    try {
      const inputs = {
        packages: 'app',
        'pr-tag': 'pr-{number}',
        repository: 'acme/app',
        'untagged-grace': '0',
        'dry-run': 'true'
      }
      const before = sim.requests.filter(r => r.route?.startsWith('GET /repos/')).length
      const run = await runAction({ sim, inputs })
      const d = decisionsOf(run.journal)
      const deleted = d.filter(x => x.action === 'delete')
      expect(deleted.length).toBeGreaterThan(0)
      expect(deleted.every(x => x.associatedTags.includes('pr-12'))).toBe(true)
      // The event names the pull request: no state is looked up.
      expect(sim.requests.filter(r => r.route?.startsWith('GET /repos/')).length).toBe(before)

      writeFileSync(file, JSON.stringify({ action: 'closed', number: 13 }))
      // #13 built no image: nothing to do is no mistake in pr-tag (docs/safety.md, exit status).
      const noop = await runAction({ sim, inputs: { ...inputs, 'fail-on-noop': 'true' } })
      expect(noop.failed).toBeUndefined()
      expect(noop.journal.packages.find(p => p.name === 'app')!.warnings).toContainEqual({
        kind: 'pr-event-found-nothing',
        message: expect.stringMatching(/^pr-tag 'pr-\{number\}' finds no tag of closed pull request #13 /)
      })
    } finally {
      delete process.env.GITHUB_EVENT_NAME
      delete process.env.GITHUB_EVENT_PATH
    }
  })
})
