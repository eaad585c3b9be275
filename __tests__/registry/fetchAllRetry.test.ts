import { describe, expect, it } from '@jest/globals'
import { fetchAll, READ_WINDOW } from '../../src/registry/fetchAll.js'
import type { ManifestSource } from '../../src/registry/ManifestSource.js'
import type { ManifestFact } from '../../src/model/ManifestFact.js'
import { nextFetches } from '../../src/planner/fetchPlan.js'
import { parseManifest, sha256Digest } from '../../src/model/Manifest.js'
import { MediaTypes } from '../../src/model/MediaType.js'
import type { PackageVersion } from '../../src/model/PackageVersion.js'

const body = JSON.stringify({
  schemaVersion: 2,
  mediaType: MediaTypes.ociManifest,
  config: { digest: 'sha256:' + 'c'.repeat(64) },
  layers: []
})
const digest = sha256Digest(body)
const versions: PackageVersion[] = [{ id: 1, digest, tags: ['latest'], createdAt: 0, updatedAt: 0 }]

/** A source whose reads fail the first `failures` times for a passing reason (a 5xx after retries). */
function flakySource(failures: number, notFound = false): ManifestSource & { reads: number } {
  const src = {
    reads: 0,
    requestCount: 0,
    async fetchManifest(): Promise<ManifestFact> {
      src.reads++
      if (src.reads <= failures)
        return { ok: false, reason: 'HTTP 503 after 4 retries', ...(notFound ? { notFound: true } : {}) }
      return { ok: true, manifest: parseManifest(body, MediaTypes.ociManifest, digest) }
    },
    resolveTag: async () => undefined,
    listTags: async () => [],
    hasManifest: async () => true,
    putManifest: async () => digest
  }
  return src
}

describe('fetchAll', () => {
  it('reads a manifest once more at the end when its read failed for a passing reason', async () => {
    const src = flakySource(1)
    const { facts } = await fetchAll(src, 'acme/app', versions, nextFetches)
    expect(facts.get(digest)?.ok).toBe(true)
    expect(src.reads).toBe(2)
  })
  it('keeps the failure after the one extra try, so the planner keeps the version as unknown', async () => {
    const src = flakySource(5)
    const { facts } = await fetchAll(src, 'acme/app', versions, nextFetches)
    expect(facts.get(digest)?.ok).toBe(false)
    expect(src.reads).toBe(2)
  })
  it('does not read again what the registry said is not there', async () => {
    const src = flakySource(5, true)
    await fetchAll(src, 'acme/app', versions, nextFetches)
    expect(src.reads).toBe(1)
  })
})

describe('fetchAll asks', () => {
  it('at most READ_WINDOW reads of the source at once, every wanted digest once, facts in order', async () => {
    const many: PackageVersion[] = Array.from({ length: 2000 }, (_, i) => ({
      id: i + 1,
      digest: 'sha256:' + (i + 1).toString(16).padStart(64, '0'),
      tags: [`t${i}`],
      createdAt: 0,
      updatedAt: 0
    }))
    let waiting = 0
    let most = 0
    const asked: string[] = []
    const src: ManifestSource = {
      requestCount: 0,
      async fetchManifest(_repository, d): Promise<ManifestFact> {
        asked.push(d)
        most = Math.max(most, ++waiting)
        await new Promise(r => setTimeout(r, 1))
        waiting--
        return { ok: false, reason: 'gone', notFound: true }
      },
      resolveTag: async () => undefined,
      listTags: async () => [],
      hasManifest: async () => true,
      putManifest: async () => digest
    }
    const reads: number[] = []
    const { facts } = await fetchAll(src, 'acme/app', many, nextFetches, { onRead: read => reads.push(read) })
    expect(asked).toEqual(many.map(v => v.digest))
    expect(most).toBe(READ_WINDOW)
    expect([...facts.keys()]).toEqual(many.map(v => v.digest))
    expect(reads).toEqual(many.map((_, i) => i + 1))
  })
})
