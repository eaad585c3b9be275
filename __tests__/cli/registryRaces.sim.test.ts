/**
 * Issue 17: CI keeps pushing while a run deletes. Each race below fires in the moment between the listing and
 * the first delete (right before the write barrier's first tag-list request), or between two deletes, and
 * would make the run delete what a new tag pulls; with the write barrier the run keeps it and says why. The
 * CLI as a user runs it (src/cli.ts in a child process, as `npx tsx src/cli.ts` would), against the moving
 * simulator at real time; the race between two deletes runs the action in-process on the simulator's clock,
 * so a minute passes without waiting for it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../bench/lib/actionRun.js'
import { brokenTags } from '../../bench/lib/simTruth.js'
import { FixtureBuilder, type MultiArchResult } from '../../src/sim/fixtures/FixtureBuilder.js'
import type { RegistryMoves } from '../../src/sim/moves.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'
import { spawnCli, type CliExit } from './spawnCli.js'

let sim: Simulator | undefined
let dir: string | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

interface Setup {
  readonly sim: Simulator
  readonly old1: MultiArchResult
  readonly amd: string
  /** Package version id of a digest, as listed before the run. */
  readonly idOf: (digest: string) => number
}

/** old-1 (multi-arch with attestations, 100 days old) and latest (a day old); the run deletes `old-*` over 30 days. */
async function setUp(): Promise<Setup> {
  // Real time (timeScale 1): the CLI reads the wall clock, so simulated ages must match it.
  const s = await startSimulator({ timeScale: 1, rateLimits: false, tokenTtlSeconds: 86_400 })
  sim = s
  s.addOwner('acme', 'Organization')
  const b = new FixtureBuilder({ owner: 'acme', name: 'app', now: s.clock.now() })
  const old1 = b.multiArch({ tags: ['old-1'], ageDays: 100, attestations: true })
  b.multiArch({ tags: ['latest'], ageDays: 1 })
  s.loadPackage(b.build())
  dir = mkdtempSync(path.join(tmpdir(), 'registry-races-'))
  const ids = new Map(
    s.state
      .packageOf('acme', 'app')!
      .versions('active')
      .map(v => [v.digest, v.id])
  )
  return {
    sim: s,
    old1,
    amd: old1.children.find(c => c.platform === 'linux/amd64')!.digest,
    idOf: digest => ids.get(digest)!
  }
}

const POLICY = ['--delete-tags', 'old-*', '--older-than', '30d'] as const

function cli(s: Simulator, args: readonly string[]): Promise<CliExit> {
  return spawnCli(
    [
      '--owner',
      'acme',
      '--packages',
      'app',
      '--api-url',
      s.apiUrl,
      '--registry-url',
      s.registryUrl,
      '--registry-username',
      s.login,
      '--summary',
      path.join(dir!, 'summary.md'),
      ...args
    ],
    dir!,
    { GITHUB_TOKEN: s.token }
  )
}

/**
 * Fires `move` once, after planning and before any delete: right before the write barrier's first tag-list
 * request, or — in a build without the barrier — right before the first DELETE (the same moment for a run
 * that has no barrier). Returns which of the two it was.
 */
function beforeBarrier(s: Simulator, move: (m: RegistryMoves) => void): () => string | undefined {
  let raced: string | undefined
  const once = (label: string) => (m: RegistryMoves) => {
    if (raced !== undefined) return
    raced = label
    move(m)
  }
  s.moves.add({
    timing: 'before',
    side: 'registry',
    pathPattern: /tags\/list/,
    nth: 1,
    move: once('tag list')
  })
  s.moves.onDelete(1, 'before', once('first delete'))
  return () => raced
}

/** `v2` resolves, and every manifest under it (walked here, from the simulator's state) is still there. */
function expectWhole(s: Simulator, tag: string, expected: string): void {
  const pkg = s.state.packageOf('acme', 'app')!
  expect(pkg.resolve(tag)?.digest).toBe(expected)
  const missing: string[] = []
  const stack = [expected]
  const seen = new Set<string>()
  while (stack.length > 0) {
    const digest = stack.pop()!
    if (seen.has(digest)) continue
    seen.add(digest)
    const v = pkg.resolve(digest)
    if (!v) {
      missing.push(digest)
      continue
    }
    const body = JSON.parse(v.bytes.toString('utf8')) as { manifests?: { digest: string }[] }
    stack.push(...(body.manifests ?? []).map(d => d.digest))
  }
  expect(missing).toEqual([])
  // ... and no tag the registry serves lists a missing manifest.
  expect(brokenTags(s, 'acme', 'app')).toEqual([])
}

const WINDOW_LINE =
  /app: tags were last checked at \d\d:\d\d:\d\d UTC; a tag pushed in the \d+s before the last of the \d+ deletes? that followed/

describe('a run while CI pushes (write barrier)', () => {
  it('keeps the manifests of a new index pushed over old-1 children after the listing (imagetools create, two sources)', async () => {
    const { sim: s, old1, amd, idOf } = await setUp()
    const attestation = old1.attestations[0]
    let v2 = ''
    const raced = beforeBarrier(
      s,
      m => (v2 = m.pushIndexOver('acme', 'app', 'v2', [amd, attestation]).digest)
    )
    const run = await cli(s, POLICY)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(raced()).toBeDefined()
    expectWhole(s, 'v2', v2)
    expect(raced()).toBe('tag list')
    // What the barrier did not hold is gone: old-1's index and its arm64 image.
    const pkg = s.state.packageOf('acme', 'app')!
    expect(pkg.resolve('old-1')).toBeUndefined()
    expect(pkg.resolve(old1.children.find(c => c.platform !== 'linux/amd64')!.digest)).toBeUndefined()
    expect(run.stdout).toContain(
      `app: not deleting package_version=${idOf(amd)} (${amd}): tag v2 is new since the listing; it points at ${v2}, which lists it (write barrier)`
    )
    expect(run.stdout).toContain(
      `app: not deleting package_version=${idOf(attestation)} (${attestation}): tag v2 is new since the listing; it points at ${v2}, which lists it (write barrier)`
    )
    expect(run.stdout).toMatch(WINDOW_LINE)
    // v2 and latest (the floating tag the preflight re-checks) HEADed; v2's index and its two children read.
    expect(run.stdout).toMatch(
      /app: write barrier: 1 pass over the registry's tags, \d+ registry requests beyond listing and reading \(2 tags HEADed, 3 manifests walked\); held back 2 planned deletes/
    )
  }, 60_000)

  it('keeps old-1 whole when v2 is put on its index (imagetools create, one source: a carbon copy)', async () => {
    const { sim: s, old1, idOf } = await setUp()
    const raced = beforeBarrier(s, m => m.tag('acme', 'app', 'v2', old1.index))
    const run = await cli(s, POLICY)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(raced()).toBeDefined()
    expectWhole(s, 'v2', old1.index)
    expect(raced()).toBe('tag list')
    // The index carries the tag; everything under it is held with it, and nothing of old-1 was deleted.
    expect(run.stdout).toContain(
      `app: not deleting package_version=${idOf(old1.index)} (${old1.index}): tag v2 is new since the listing and points at it (write barrier)`
    )
    for (const child of [...old1.children.map(c => c.digest), ...old1.attestations]) {
      expect(run.stdout).toContain(
        `app: not deleting package_version=${idOf(child)} (${child}): tag v2 is new since the listing; it points at ${old1.index}, which lists it (write barrier)`
      )
    }
    expect(s.requests.filter(r => r.method === 'DELETE')).toEqual([])
    // Nothing was deleted after the check: no window to state.
    expect(run.stdout).not.toMatch(WINDOW_LINE)
  }, 60_000)

  it('keeps a platform image of old-1 when v2 is put on it (a carbon copy of one platform)', async () => {
    const { sim: s, old1, amd, idOf } = await setUp()
    const raced = beforeBarrier(s, m => m.tag('acme', 'app', 'v2', amd))
    const run = await cli(s, POLICY)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(raced()).toBeDefined()
    expectWhole(s, 'v2', amd)
    expect(raced()).toBe('tag list')
    expect(s.state.packageOf('acme', 'app')!.resolve(old1.index)).toBeUndefined()
    expect(run.stdout).toContain(
      `app: not deleting package_version=${idOf(amd)} (${amd}): tag v2 is new since the listing and points at it (write barrier)`
    )
    expect(run.stdout).toMatch(WINDOW_LINE)
  }, 60_000)

  it('a new index pushed right after the listing moves version_count: the listing check lists again and plans it', async () => {
    const { sim: s, old1, amd } = await setUp()
    let v2 = ''
    s.moves.afterLastListPage(
      m => (v2 = m.pushIndexOver('acme', 'app', 'v2', [amd, old1.attestations[0]]).digest)
    )
    const run = await cli(s, POLICY)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(s.moves.fired).toHaveLength(1)
    expectWhole(s, 'v2', v2)
    expect(run.stdout).toContain('app: the version listing moved while it was read (attempt 1 of 3')
    // The second listing has v2: the plan keeps its closure, so the barrier has nothing left to hold.
    expect(run.stdout).not.toContain('(write barrier)')
  }, 60_000)

  it('a re-tag between two deletes is caught by the pass that runs once a minute has passed', async () => {
    const { sim: s, old1, amd, idOf } = await setUp()
    // After old-1's index is deleted (the first delete) and before its children go: v2 onto the amd64 image,
    // and two minutes pass on the run's clock.
    s.moves.onDelete(1, 'after', m => {
      m.tag('acme', 'app', 'v2', amd)
      s.clock.advance(120_000)
    })
    const run = await runAction({
      sim: s,
      inputs: { packages: 'app', 'delete-tags': 'old-*', 'older-than': '30d', 'protect-pinned': 'false' },
      keepLog: true
    })
    expect(run.failed).toBeUndefined()
    expect(s.moves.fired).toHaveLength(1)
    const deletes = s.requests.filter(r => r.method === 'DELETE')
    expect(deletes[0].path).toContain(`/versions/${idOf(old1.index)}`)
    expectWhole(s, 'v2', amd)
    const log = run.log.join('\n')
    expect(log).toContain(
      `app: not deleting package_version=${idOf(amd)} (${amd}): tag v2 is new since the listing and points at it (write barrier)`
    )
    expect(log).toMatch(/app: write barrier: 2 passes over the registry's tags/)
    expect(log).toMatch(WINDOW_LINE)
    // The journal has no intent for the version the barrier held, and says why it stayed.
    const pkg = run.journal.packages.find(p => p.name === 'app')!
    expect(pkg.deleted.map(d => d.id)).not.toContain(idOf(amd))
    expect(pkg.unconfirmed).toEqual([])
    expect(pkg.remaining).toContain(idOf(amd))
    expect(pkg.heldBack).toContainEqual({
      versionId: idOf(amd),
      digest: amd,
      reason: 'write barrier: tag v2 is new since the listing and points at it'
    })
  }, 60_000)
})
