/**
 * Issue 17, item 4: a run with `untagged-grace: 0` in the moment between a multi-platform push's platform-image
 * upload and its index upload deletes nothing of the push (the CLI as a user runs it, against the simulator).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { FixtureManifest } from '../../src/sim/fixtures/types.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'
import { fixture, image, index, type Built } from '../sim/simHelpers.js'
import { spawnCli, type CliExit } from './spawnCli.js'

let sim: Simulator
let dir: string
const main = image('main')
const oldOrphan = image('old-orphan')
const amd = image('push-amd')
const arm = image('push-arm')
const pushed = index([amd, arm])

beforeAll(async () => {
  // Real time (timeScale 1): the CLI reads the wall clock, so simulated ages must match it.
  sim = await startSimulator({ timeScale: 1, rateLimits: false, tokenTtlSeconds: 86_400 })
  sim.addOwner('acme', 'Organization')
  sim.loadPackage(
    fixture('acme', 'app', [
      { m: oldOrphan, minute: 0 },
      { m: main, tags: ['main'], minute: 1 }
    ])
  )
  dir = mkdtempSync(path.join(tmpdir(), 'in-flight-'))
})
afterAll(async () => {
  await sim.close()
  rmSync(dir, { recursive: true, force: true })
})

function now(m: Built, tags: readonly string[] = []): FixtureManifest {
  const at = new Date(sim.clock.now()).toISOString()
  return { digest: m.digest, bytes: m.bytes, mediaType: m.mediaType, tags, createdAt: at, updatedAt: at }
}

function cli(args: readonly string[]): Promise<CliExit> {
  return spawnCli(args, dir, { GITHUB_TOKEN: sim.token })
}

it('keeps the platform images of a push in flight with untagged-grace 0, and the push completes', async () => {
  // docker buildx build --platform linux/amd64,linux/arm64 --push: the platform images land first, untagged.
  sim.moves.push('acme', 'app', [now(amd), now(arm)], new Map([...amd.blobs, ...arm.blobs]))
  const run = await cli([
    '--owner',
    'acme',
    '--packages',
    'app',
    '--api-url',
    sim.apiUrl,
    '--registry-url',
    sim.registryUrl,
    '--registry-username',
    sim.login,
    '--untagged-grace',
    '0',
    '--summary',
    path.join(dir, 'summary.md')
  ])
  expect(run.stderr).toBe('')
  expect(run.code).toBe(0)
  const pkg = sim.state.packageOf('acme', 'app')!
  // The run did delete: the old orphan is gone (grace 0 is in force) ...
  expect(pkg.resolve(oldOrphan.digest)).toBeUndefined()
  // ... but nothing of the push.
  expect(pkg.resolve(amd.digest)).toBeDefined()
  expect(pkg.resolve(arm.digest)).toBeDefined()
  expect(run.stdout).toContain(
    'app: kept 2 untagged versions younger than 15min whatever untagged-grace says: a push may still be uploading the index that lists them'
  )
  // The push ends with its index: a registry accepts it only while both children are there.
  expect(() => sim.moves.push('acme', 'app', [now(pushed, ['v1'])])).not.toThrow()
  expect(pkg.resolve('v1')?.digest).toBe(pushed.digest)
}, 60_000)
