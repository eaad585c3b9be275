/**
 * Progress on long work (issue 18, item 5): listing and reading say how far they are at most every 5 s,
 * deletes say when they start and then at least once a minute. Time is the injected clock, moved by the fakes.
 */
import { describe, expect, it } from '@jest/globals'
import { execute } from '../../src/execute/Executor.js'
import { listVersionsChecked } from '../../src/github/checkedListing.js'
import type { PackagesApi } from '../../src/github/PackagesApi.js'
import { ProgressLine } from '../../src/log/progress.js'
import type { PackageVersion } from '../../src/model/PackageVersion.js'
import type { ManifestFact } from '../../src/model/ManifestFact.js'
import { fetchAll } from '../../src/registry/fetchAll.js'
import type { ManifestSource } from '../../src/registry/ManifestSource.js'
import { FakePackages, FakeStore, PKG, memoryLogger, planOf, executeDeps } from '../execute/fakes.js'

function clock(start = 1_700_000_000_000) {
  let t = start
  return { now: () => t, advance: (ms: number) => void (t += ms) }
}

const version = (id: number): PackageVersion => ({
  id,
  digest: `sha256:${id.toString(16).padStart(64, '0')}`,
  tags: [],
  createdAt: 0,
  updatedAt: 0
})

describe('ProgressLine', () => {
  it('logs at most once per interval, building the line only then', () => {
    const c = clock()
    const log = memoryLogger()
    const p = new ProgressLine(log, c.now, 5_000)
    let built = 0
    for (let i = 0; i < 30; i++) {
      c.advance(1_000)
      p.report(() => `line ${++built}`)
    }
    expect(log.lines).toEqual([
      'info line 1',
      'info line 2',
      'info line 3',
      'info line 4',
      'info line 5',
      'info line 6'
    ])
  })
})

describe('listing progress', () => {
  it('says `listed N of 10,000 versions` at most every 5 s while 100 pages are read, one a second', async () => {
    const c = clock()
    const all = Array.from({ length: 10_000 }, (_, i) => version(i + 1))
    const packages = {
      versionCount: async () => all.length,
      async *listVersions() {
        for (let p = 0; p < 100; p++) {
          c.advance(1_000)
          yield all.slice(p * 100, p * 100 + 100)
        }
      }
    } as unknown as PackagesApi
    const log = memoryLogger()
    const listing = await listVersionsChecked(packages, PKG, { logger: log, now: c.now })
    expect(listing.versions).toHaveLength(10_000)
    const lines = log.lines.filter(l => l.includes('listed'))
    expect(lines).toHaveLength(20)
    expect(lines[0]).toBe('info app: listed 500 of 10,000 versions')
    expect(lines[19]).toBe('info app: listed 10,000 of 10,000 versions')
  })
})

describe('reading progress', () => {
  it('says `read N of M manifests` at most every 5 s, reads ending every 100 ms', async () => {
    const c = clock()
    const versions = Array.from({ length: 3_000 }, (_, i) => version(i + 1))
    // One read at a time, each ending 100 ms after the one before.
    let chain = Promise.resolve()
    const source = {
      requestCount: 0,
      fetchManifest: (): Promise<ManifestFact> =>
        (chain = chain.then(() => c.advance(100))).then(
          () => ({ ok: false, notFound: true }) as unknown as ManifestFact
        )
    } as unknown as ManifestSource
    const lines: string[] = []
    const p = new ProgressLine({ debug: () => {}, info: m => lines.push(m), warning: () => {} }, c.now, 5_000)
    await fetchAll(
      source,
      'acme/app',
      versions,
      (vs, facts) => vs.map(v => v.digest).filter(d => !facts.has(d)),
      {
        onRead: (read, known) => p.report(() => `read ${read} of ${known} manifests`)
      }
    )
    expect(lines).toHaveLength(60)
    // A read's callback may run just after the next read moved the clock: 49 or 50 reads per 5 s.
    expect(lines[0]).toMatch(/^read (49|50) of 3000 manifests$/)
    expect(lines[59]).toMatch(/^read (2999|3000) of 3000 manifests$/)
  })
})

describe('delete progress', () => {
  it('says when deletes start, then every minute: done, left and rate', async () => {
    const c = clock()
    const store = new FakeStore()
    const orphans = Array.from({ length: 20 }, () => store.image())
    const packages = new FakePackages(store)
    const del = packages.deleteVersion.bind(packages)
    packages.deleteVersion = async (pkg, id) => {
      c.advance(15_000)
      return del(pkg, id)
    }
    const log = memoryLogger()
    const result = await execute(
      planOf(store, orphans),
      executeDeps(store, packages, { concurrency: 1, logger: log, now: c.now })
    )
    expect(result.deleted).toHaveLength(20)
    const lines = log.lines.filter(l => /: delet(ing|es) /.test(l))
    expect(lines).toEqual([
      'info app: deleting 20 versions',
      'info app: deletes 4 done, 16 left, 4 a minute',
      'info app: deletes 8 done, 12 left, 4 a minute',
      'info app: deletes 12 done, 8 left, 4 a minute',
      'info app: deletes 16 done, 4 left, 4 a minute',
      'info app: deletes 20 done, 0 left, 4 a minute'
    ])
  })
})
