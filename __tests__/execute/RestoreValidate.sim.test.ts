/**
 * Journal → restore and validate, with the real clients against the simulator: a restore brings back what a
 * prune's journal lists (GitHub's restore endpoint, 30-day window), and validate finds a tag broken on purpose.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import { execute } from '../../src/execute/Executor.js'
import { packageEndRecords, parseJournal, planRecords, readJournal } from '../../src/execute/Journal.js'
import { deleteJournalFor, JournalWriter } from '../../src/run/JournalWriter.js'
import { header as journalHeaderRecord } from './journalText.js'
import { restoreItemsFromJournal, restoreVersions } from '../../src/execute/Restore.js'
import { buildRealisticScenario } from '../../src/sim/fixtures/scenarios.js'
import {
  activeIds,
  freshBudget,
  NOW,
  planPackage,
  startHarness,
  validate,
  WatchedPackages,
  type Harness
} from './simHarness.js'

const journalHeader = (now: number) => journalHeaderRecord({ startedAt: new Date(now).toISOString() })

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

describe('restore and validate against the simulator', () => {
  it('restore brings back everything a prune journal lists, and the tags pull in full again', async () => {
    const scenario = buildRealisticScenario({ now: NOW })
    h = await startHarness(scenario.packages, { sim: { seed: 21 } })
    const before = activeIds(h)
    const tagsBefore = (await validate(h)).broken.map(b => b.tag)
    const planned = await planPackage(h, { 'keep-n-tagged': '3', 'older-than': '30d' })
    const path = join(await mkdtemp(join(tmpdir(), 'restore-')), 'journal.jsonl')
    const writer = await JournalWriter.open(path, journalHeader(NOW))
    writer.record(planRecords(planned.plan, new Date(NOW).toISOString()))
    // At the moment each DELETE leaves, its intent is already in the file (read from disk, not from memory).
    const onDisk: string[] = []
    const packages = new WatchedPackages(h.packages)
    const deleteVersion = packages.deleteVersion.bind(packages)
    packages.deleteVersion = async (pkg, id) => {
      const j = parseJournal(await readFile(path, 'utf8'), path)
      const recorded = j.packages[0].unconfirmed.map(u => u.id)
      onDisk.push(recorded.includes(id) ? 'recorded' : `not recorded: ${id}`)
      return deleteVersion(pkg, id)
    }
    const result = await execute(planned, {
      packages,
      registry: h.registry,
      pkg: h.pkg,
      repository: h.repository,
      dryRun: false,
      budget: freshBudget(h),
      manifests: planned.manifests,
      concurrency: 4,
      journal: deleteJournalFor(writer, 'app')
    })
    writer.record(packageEndRecords('app', result, new Date(NOW).toISOString()))
    await writer.close({ type: 'end', finishedAt: new Date(NOW).toISOString(), ok: true, status: 'ok' })
    expect(result.deleted.length).toBeGreaterThan(20)
    expect(onDisk).toEqual(onDisk.map(() => 'recorded'))
    const answered = result.deleted.length + result.gone.length + result.refused.length + result.failed.length
    expect(onDisk).toHaveLength(answered)
    const journal = await readJournal(path)
    expect(journal.complete).toBe(true)
    expect(journal.packages[0].unconfirmed).toEqual([])
    expect(journal.packages[0].deleted.map(d => d.id).sort()).toEqual(
      [...result.deleted, ...result.gone].sort()
    )

    const items = restoreItemsFromJournal(await readJournal(path)).get('app')!
    expect(items.map(i => i.id).sort()).toEqual([...result.deleted, ...result.gone].sort())
    const restored = await restoreVersions(h.pkg, items, {
      packages: h.packages,
      budget: freshBudget(h),
      now: () => h!.sim.clock.now()
    })
    expect(restored.notRestored).toEqual([])
    expect([...restored.restored].sort()).toEqual(items.map(i => i.id).sort())
    expect(activeIds(h)).toEqual(before)
    // Tags come back with their versions; only the scenario's own broken tags are broken, as before.
    expect((await validate(h)).broken.map(b => b.tag)).toEqual(tagsBefore)
    expect(await h.registry.resolveTag(h.repository, 'v1.2.0')).toBe(scenario.refs['release:v1.2.0'])
  })

  it('restore reports what GitHub no longer restores (its digest was pushed again)', async () => {
    const scenario = buildRealisticScenario({ now: NOW })
    h = await startHarness(scenario.packages, { sim: { seed: 22 } })
    const pkg = h.sim.state.packageOf('acme', 'app')!
    const orphan = pkg.byDigest.get(scenario.refs['orphan:200d'])!
    expect((await h.packages.deleteVersion(h.pkg, orphan.id)).kind).toBe('deleted')
    // The same manifest is pushed again: GitHub makes it a new version; the old one cannot come back.
    await h.registry.putManifest(h.repository, 'again', orphan.bytes, orphan.mediaType)
    const result = await restoreVersions(h.pkg, [{ id: orphan.id, digest: orphan.digest }], {
      packages: h.packages,
      budget: freshBudget(h)
    })
    expect(result.restored).toEqual([])
    expect(result.notRestored).toEqual([
      {
        versionId: orphan.id,
        digest: orphan.digest,
        reason: expect.stringMatching(/^404: GitHub cannot restore version/)
      }
    ])
  })

  it('validate finds a deliberately broken tag and names what is missing', async () => {
    const scenario = buildRealisticScenario({ now: NOW })
    h = await startHarness(scenario.packages, { sim: { seed: 23 } })
    const before = (await validate(h)).broken
    // The scenario starts with a ghost and a partial index (left by a naive cleanup): both are reported.
    expect(before.map(b => b.tag)).toEqual(['v0.8.0', 'v1.0.1'])
    // Break v1.3.2 (tags v1.3.2, 1.3, latest) by deleting its arm64 image behind its back.
    const arm = scenario.refs['release:v1.3.2:linux/arm64/v8']
    const id = h.sim.state.packageOf('acme', 'app')!.byDigest.get(arm)!.id
    expect((await h.packages.deleteVersion(h.pkg, id)).kind).toBe('deleted')
    const after = await validate(h)
    const broken = after.broken.filter(b => !['v0.8.0', 'v1.0.1'].includes(b.tag))
    expect(broken).toEqual(
      ['1.3', 'latest', 'v1.3.2'].map(tag => ({
        tag,
        digest: scenario.refs['release:v1.3.2'],
        missing: [arm],
        reason: '1 manifest(s) it references are missing'
      }))
    )
    expect(after.restRequests).toBe(1)
  })
})
