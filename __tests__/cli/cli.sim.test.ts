/**
 * The CLI as a user runs it: `src/cli.ts` in a child process (through tsx, as `npx tsx src/cli.ts` would) with
 * the token in GITHUB_TOKEN, against the simulator on 127.0.0.1, from a checkout that pins a digest.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { parseJournal } from '../../src/execute/Journal.js'
import { buildRealisticScenario } from '../../src/sim/fixtures/scenarios.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'
import { spawnCli } from './spawnCli.js'

let sim: Simulator
let refs: Readonly<Record<string, string>>
let dir: string

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 0.001, rateLimits: false, tokenTtlSeconds: 86_400 })
  sim.addOwner('acme', 'Organization')
  const scenario = buildRealisticScenario({ owner: 'acme', name: 'app', now: sim.clock.now() })
  for (const p of scenario.packages) sim.loadPackage(p)
  refs = scenario.refs
  dir = mkdtempSync(path.join(tmpdir(), 'cli-'))
  mkdirSync(path.join(dir, 'checkout/deploy/k8s'), { recursive: true })
  writeFileSync(
    path.join(dir, 'checkout/deploy/k8s/app.yaml'),
    `image: ${new URL(sim.registryUrl).host}/acme/app@${refs['orphan:45d']}\n`
  )
})
afterAll(async () => {
  await sim.close()
  rmSync(dir, { recursive: true, force: true })
})

interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly registryRequests: number
  readonly restRequests: number
}

async function cli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = { GITHUB_TOKEN: sim.token }
): Promise<CliRun> {
  const from = sim.requests.length
  const exit = await spawnCli(args, path.join(dir, 'checkout'), env)
  const made = sim.requests.slice(from)
  return {
    ...exit,
    registryRequests: made.filter(r => r.side === 'registry').length,
    restRequests: made.filter(r => r.side === 'rest').length
  }
}

const base = (): string[] => [
  '--owner',
  'acme',
  '--packages',
  'app, app/*',
  '--api-url',
  sim.apiUrl,
  '--registry-url',
  sim.registryUrl,
  '--registry-username',
  sim.login,
  '--keep-tags',
  'latest, main',
  '--delete-tags',
  'v*, pr-*, sha-*',
  '--keep-n-tagged',
  '3',
  '--older-than',
  '30d',
  '--summary',
  path.join(dir, 'out/summary.md'),
  '--json',
  path.join(dir, 'out/plan.json'),
  '--cache-dir',
  path.join(dir, 'cache')
]

describe('ghcr-retention CLI against the simulator', () => {
  let first: CliRun
  beforeAll(async () => {
    mkdirSync(path.join(dir, 'out'), { recursive: true })
    first = await cli([...base(), '--dry-run'])
  }, 60_000)

  it('prints the plan as the Actions log shows it, without workflow commands', () => {
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^dry-run: would delete app:<untagged> package_version=\d+/m)
    expect(first.stdout).toMatch(/^▸ /m)
    expect(first.stdout).not.toMatch(/^::/m)
    expect(first.stdout).toContain('outputs:\n  ')
    expect(first.stdout).toMatch(/^ {2}packages=\["app","app\/tools"\]$/m)
    expect(first.stdout).toContain(`journal written to ${path.join(dir, 'out/plan.json')}`)
  })

  it('deletes nothing in dry-run', () => {
    expect(sim.requests.some(r => r.side === 'rest' && r.method === 'DELETE')).toBe(false)
  })

  it('writes the summary as Markdown and the plan as JSON', () => {
    const summary = readFileSync(path.join(dir, 'out/summary.md'), 'utf8')
    expect(summary).toContain('app/tools')
    expect(summary).toContain('### Pinned digests')
    expect(summary).toContain('<code>deploy/k8s/app.yaml:1</code>')
    const journal = parseJournal(readFileSync(path.join(dir, 'out/plan.json'), 'utf8'), 'plan.json')
    expect(journal.dryRun).toBe(true)
    expect(journal.packages.map(p => p.name)).toEqual(['app', 'app/tools'])
    const pinned = journal.packages[0].decisions?.find(d => d.digest === refs['orphan:45d'])
    expect(pinned).toMatchObject({ action: 'keep', rule: 'pinned' })
  })

  it('scans the current directory for pinned digests and says which file kept what', () => {
    expect(first.stdout).toMatch(
      /pinned: kept app@sha256:[0-9a-f]{12} .* — pinned in deploy\/k8s\/app\.yaml:1/
    )
  })

  it('a second run with --cache-dir reads no manifest it has seen', async () => {
    expect(readdirSync(path.join(dir, 'cache'))).toHaveLength(2)
    const again = await cli([...base(), '--dry-run'])
    expect(again.code).toBe(0)
    expect(first.registryRequests).toBeGreaterThan(20)
    expect(again.registryRequests).toBe(0)
    expect(again.restRequests).toBe(first.restRequests)
  }, 60_000)

  it('--mode list selects the packages for a matrix without reading a version or a manifest', async () => {
    const from = sim.requests.length
    const list = await cli([
      '--owner',
      'acme',
      '--packages',
      'app/*',
      '--api-url',
      sim.apiUrl,
      '--registry-url',
      sim.registryUrl,
      '--mode',
      'list',
      '--summary',
      path.join(dir, 'out/list.md')
    ])
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(/^ {2}packages=\["app\/tools"\]$/m)
    const made = sim.requests.slice(from)
    expect(made.some(r => r.path.includes('/versions'))).toBe(false)
    expect(list.registryRequests).toBe(0)
  }, 60_000)

  it('fails before any request on a bad input, naming it', async () => {
    const bad = await cli([...base(), '--keep-n-tagged', 'three'])
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain(`error: Invalid input 'keep-n-tagged': "three"`)
    expect(bad.registryRequests + bad.restRequests).toBe(0)
  }, 60_000)

  it('asks for the token in the environment, and refuses a misspelt flag', async () => {
    const noToken = await cli(base(), {})
    expect(noToken.code).toBe(2)
    expect(noToken.stderr).toContain('set GITHUB_TOKEN or GH_TOKEN')
    const typo = await cli([...base(), '--dry-rnu'])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain('did you mean --dry-run?')
    expect(existsSync(path.join(dir, 'checkout/ghcr-retention-summary.md'))).toBe(false)
  }, 60_000)
})
