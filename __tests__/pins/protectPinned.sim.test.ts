/**
 * Pinned-digest protection end to end: the action runs in-process against the simulator with a checkout that
 * pins digests in a Kubernetes manifest, a Dockerfile, a Kustomization and a Compose file. The same policy
 * without the checkout deletes those versions, so every assertion below is one the protection changes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runAction, type ActionRun } from '../../bench/lib/actionRun.js'
import type { Decision } from '../../src/planner/Decision.js'
import { buildRealisticScenario } from '../../src/sim/fixtures/scenarios.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'

const NOW = Date.parse('2026-06-01T00:00:00Z')
const POLICY = {
  packages: 'app, app/*',
  'keep-tags': 'latest, main',
  'delete-tags': 'v*, 1.*, pr-*, sha-*',
  'keep-n-tagged': '2',
  'older-than': '30d',
  'untagged-grace': '7d',
  'dry-run': 'true'
}
const ABSENT = 'sha256:' + 'e'.repeat(64)

let sim: Simulator
let refs: Readonly<Record<string, string>>
let workspace: string
let host: string

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 0.001, startTime: NOW, rateLimits: false, tokenTtlSeconds: 86_400 })
  sim.addOwner('acme', 'Organization')
  const scenario = buildRealisticScenario({ owner: 'acme', name: 'app', now: NOW })
  for (const p of scenario.packages) sim.loadPackage(p)
  refs = scenario.refs
  host = new URL(sim.registryUrl).host
  workspace = mkdtempSync(path.join(tmpdir(), 'pinned-checkout-'))
  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true })
    writeFileSync(path.join(workspace, file), text)
  }
  write(
    'deploy/k8s/app.yaml',
    [
      'kind: Deployment',
      'spec:',
      '  containers:',
      `    - image: ${host}/acme/app@${refs['release:v1.1.0:linux/amd64']}`
    ].join('\n')
  )
  write('Dockerfile', `FROM ${host}/acme/app:old@${refs['orphan:45d']} AS old\n`)
  write(
    'overlays/prod/kustomization.yaml',
    [
      'images:',
      '  - name: tools',
      `    newName: ${host}/ACME/app/tools`,
      `    digest: ${refs['tools:orphan:30d']}`
    ].join('\n')
  )
  write('docker-compose.yml', `services:\n  gone:\n    image: ${host}/acme/app@${ABSENT}\n`)
})
afterAll(async () => {
  await sim.close()
  rmSync(workspace, { recursive: true, force: true })
})

async function runWith(
  checkout: string | undefined,
  inputs: Record<string, string> = {}
): Promise<ActionRun> {
  const saved = process.env.GITHUB_WORKSPACE
  if (checkout) process.env.GITHUB_WORKSPACE = checkout
  else delete process.env.GITHUB_WORKSPACE
  try {
    return await runAction({ sim, inputs: { ...POLICY, ...inputs }, keepLog: true })
  } finally {
    if (saved === undefined) delete process.env.GITHUB_WORKSPACE
    else process.env.GITHUB_WORKSPACE = saved
  }
}

function decisions(run: ActionRun): Map<string, Decision> {
  const all = run.journal.packages.flatMap(p => p.decisions ?? [])
  return new Map(all.map(d => [d.digest, d]))
}

describe('protect-pinned against the simulator', () => {
  let control: ActionRun
  let pinned: ActionRun
  beforeAll(async () => {
    control = await runWith(workspace, { 'protect-pinned': 'false' })
    pinned = await runWith(workspace)
  })

  it('without the scan, the policy deletes the versions the checkout pins', () => {
    const d = decisions(control)
    for (const role of ['release:v1.1.0', 'release:v1.1.0:linux/amd64', 'orphan:45d', 'tools:orphan:30d']) {
      expect([role, d.get(refs[role])?.action]).toEqual([role, 'delete'])
    }
  })

  it('keeps a pinned platform image, and the index that lists it with its other platforms', () => {
    const d = decisions(pinned)
    expect(d.get(refs['release:v1.1.0:linux/amd64'])).toMatchObject({ action: 'keep', rule: 'pinned' })
    expect(d.get(refs['release:v1.1.0'])).toMatchObject({ action: 'keep', rule: 'pinned' })
    expect(d.get(refs['release:v1.1.0'])?.reason).toContain('pinned')
    expect(d.get(refs['release:v1.1.0:linux/arm64/v8'])?.action).toBe('keep')
    expect(d.get(refs['release:v1.1.0:attestation:0'])?.action).toBe('keep')
  })

  it('keeps a pinned orphan, and a pin of a nested package name written with a mixed-case owner', () => {
    const d = decisions(pinned)
    expect(d.get(refs['orphan:45d'])).toMatchObject({ action: 'keep', rule: 'pinned' })
    expect(d.get(refs['tools:orphan:30d'])).toMatchObject({ action: 'keep', rule: 'pinned' })
  })

  it('changes nothing else: exactly the pinned versions and what they hold together', () => {
    const before = decisions(control)
    const changed = [...decisions(pinned).values()].filter(a => before.get(a.digest)?.action !== a.action)
    for (const c of changed) {
      expect(c.action).toBe('keep')
      expect(['pinned', 'closure']).toContain(c.rule)
    }
    const expected = [
      'release:v1.1.0',
      'release:v1.1.0:linux/amd64',
      'release:v1.1.0:linux/arm64/v8',
      'release:v1.1.0:attestation:0',
      'release:v1.1.0:attestation:1',
      'orphan:45d',
      'tools:orphan:30d'
    ].map(r => refs[r])
    expect(changed.map(c => c.digest).sort()).toEqual(expected.sort())
  })

  it('logs which file protected what, and warns on the line of a pin that no longer resolves', () => {
    const log = pinned.log.join('\n')
    expect(log).toContain('protect-pinned: 4 file(s) scanned')
    expect(log).toMatch(
      /pinned: kept app@sha256:[0-9a-f]{12} \(package_version=\d+\) — pinned in deploy\/k8s\/app\.yaml:4/
    )
    expect(log).toMatch(/pinned: kept app@sha256:[0-9a-f]{12} .* — pinned in Dockerfile:1/)
    expect(log).toMatch(
      /pinned: kept app\/tools@sha256:[0-9a-f]{12} .* — pinned in overlays\/prod\/kustomization\.yaml:4/
    )
    const warning = pinned.log.find(l => l.startsWith('::warning') && l.includes(ABSENT))
    expect(warning).toContain('file=docker-compose.yml,line=3')
    expect(warning).toContain('not a version of app')
  })

  it('warns that nothing was scanned when there is no checkout', async () => {
    const run = await runWith(undefined)
    const warnings = run.log.filter(l => l.startsWith('::warning') && l.includes('protect-pinned'))
    // One line, and it says what to do.
    expect(warnings).toEqual([
      '::warning::protect-pinned scanned nothing (GITHUB_WORKSPACE is not set): add actions/checkout before ' +
        'this step, or set protect-pinned: false.'
    ])
    expect(decisions(run).get(refs['orphan:45d'])?.action).toBe('delete')
  })

  it('warns the same for a workspace without any deployment file', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'empty-checkout-'))
    try {
      const run = await runWith(empty)
      expect(run.log.filter(l => l.startsWith('::warning') && l.includes('protect-pinned'))).toEqual([
        `::warning::protect-pinned scanned nothing (no file in ${empty} matches protect-pinned): add ` +
          'actions/checkout before this step, or set protect-pinned: false.'
      ])
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })
})
