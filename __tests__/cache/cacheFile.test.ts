import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  boundEntries,
  CACHE_SCHEMA,
  decodeCache,
  decodeCacheEntries,
  encodeCache,
  encodeCachePieces,
  type CacheEntry
} from '../../src/cache/cacheFile.js'
import { createManifestCache } from '../../src/cache/createManifestCache.js'
import { DirectoryCacheStore } from '../../src/cache/CacheStore.js'
import { silentLogger } from '../../src/log/Logger.js'

const entry = (n: number, usedAt: number, size = 10): CacheEntry => ({
  digest: `sha256:${String(n).padStart(64, '0')}`,
  bytes: new Uint8Array(size).fill(n),
  contentType: 'application/vnd.oci.image.manifest.v1+json',
  usedAt
})

describe('cache file, read entry by entry', () => {
  const arbitraryEntry = fc.record({
    digest: fc.string(),
    bytes: fc.uint8Array({ maxLength: 40 }),
    contentType: fc.option(fc.string(), { nil: undefined }),
    usedAt: fc.integer()
  })
  const decodeAll = (text: string) => {
    const seen: (CacheEntry | undefined)[] = []
    const result = decodeCacheEntries(text, e => seen.push(e))
    return { ...result, seen }
  }
  const expected = (e: CacheEntry) => ({
    digest: e.digest,
    bytes: e.bytes,
    ...(e.contentType ? { contentType: e.contentType } : {}),
    usedAt: e.usedAt
  })

  it('gives back what was written, whatever the strings hold (quotes, braces, backslashes)', () => {
    fc.assert(
      fc.property(fc.array(arbitraryEntry, { maxLength: 8 }), entries => {
        const { ignored, seen } = decodeAll(encodeCache(entries))
        expect(ignored).toBeUndefined()
        expect(seen).toEqual(entries.map(expected))
      })
    )
  })

  it('reads a file of another layout whole, with the same result; a cut-off file is ignored as before', () => {
    fc.assert(
      fc.property(fc.array(arbitraryEntry, { minLength: 1, maxLength: 5 }), entries => {
        const text = encodeCache(entries)
        const pretty = JSON.stringify(JSON.parse(text), null, 2)
        expect(decodeAll(pretty).seen).toEqual(entries.map(expected))
        const cut = decodeAll(text.slice(0, text.length - 3))
        expect(cut.ignored).toMatch(/^not JSON/)
        expect(cut.seen).toEqual([])
        expect(decodeCache(text.slice(0, -3)).ignored).toMatch(/^not JSON/)
      })
    )
  })

  it('reads the written layout entry by entry: one unparsable entry costs itself, not the file', () => {
    const good = encodeCache([entry(1, 100), entry(2, 200)])
    const text = good.replace('},{', '},{"d":"x",},{')
    expect(decodeCache(text)).toEqual({ entries: [entry(1, 100), entry(2, 200)], malformed: 1 })
    // Parsed whole, the same text is not JSON at all.
    expect(() => JSON.parse(text)).toThrow()
  })

  it('counts a malformed entry and goes on; another schema is ignored whole', () => {
    const text = `{"schema":${JSON.stringify(CACHE_SCHEMA)},"entries":[{"d":1},${JSON.stringify({ d: 'x', u: 1, b: 'AA==' })}]}`
    expect(decodeAll(text).seen).toEqual([undefined, { digest: 'x', bytes: new Uint8Array([0]), usedAt: 1 }])
    expect(decodeAll('{"schema":"other","entries":[]}').ignored).toBe(`not a ${CACHE_SCHEMA} file`)
    expect(decodeAll(`{"schema":${JSON.stringify(CACHE_SCHEMA)},"entries":[]}`)).toEqual({ seen: [] })
  })
})

describe('cache file', () => {
  it('round-trips bytes, content type and last use', () => {
    const entries = [entry(1, 100), { ...entry(2, 200), contentType: undefined }]
    const decoded = decodeCache(encodeCache(entries))
    expect(decoded.ignored).toBeUndefined()
    expect(decoded.malformed).toBe(0)
    expect(decoded.entries).toEqual([
      entries[0],
      { digest: entries[1].digest, bytes: entries[1].bytes, usedAt: 200 }
    ])
  })

  it('is written in pieces that together are the one JSON document, byte for byte', () => {
    // The file as one JSON.stringify of the whole document (what the pieces must add up to).
    const whole = (entries: readonly CacheEntry[]) =>
      JSON.stringify({
        schema: CACHE_SCHEMA,
        entries: entries.map(e => ({
          d: e.digest,
          ...(e.contentType ? { t: e.contentType } : {}),
          u: e.usedAt,
          b: Buffer.from(e.bytes).toString('base64')
        }))
      })
    const many = Array.from({ length: 300 }, (_, i) =>
      i % 7 === 0 ? { ...entry(i, i, 200), contentType: undefined } : entry(i, i, 200)
    )
    // A view into a larger buffer, as the registry client's store hands them out.
    const slab = new Uint8Array(64).fill(9)
    many.push({ ...entry(999, 5), bytes: slab.subarray(10, 20) })
    for (const entries of [[], [entry(1, 1)], many]) {
      const pieces = [...encodeCachePieces(entries, 1000)]
      expect(pieces.join('')).toBe(whole(entries))
      expect(encodeCache(entries)).toBe(whole(entries))
      if (entries === many) expect(pieces.length).toBeGreaterThan(10)
    }
  })

  it.each([
    ['not JSON', '{"schema":', /not JSON/],
    [
      'another schema',
      JSON.stringify({ schema: 'other@1', entries: [] }),
      /not a ghcr-retention\/manifests@1 file/
    ],
    ['no entries array', JSON.stringify({ schema: CACHE_SCHEMA }), /not a/],
    ['null', 'null', /not a/]
  ])('ignores a file that is %s, without throwing', (_name, text, why) => {
    const decoded = decodeCache(text)
    expect(decoded.entries).toEqual([])
    expect(decoded.ignored).toMatch(why)
  })

  it('drops malformed entries and keeps the rest', () => {
    const good = JSON.parse(encodeCache([entry(1, 1)])).entries[0]
    const text = JSON.stringify({
      schema: CACHE_SCHEMA,
      entries: [good, null, { d: 1, b: 'x', u: 1 }, { d: 'sha256:x', b: 'AA==' }, { ...good, t: 5 }]
    })
    const decoded = decodeCache(text)
    expect(decoded.entries.map(e => e.digest)).toEqual([entry(1, 1).digest])
    expect(decoded.malformed).toBe(4)
  })

  it('is bounded: most recently used first, by count and by encoded size', () => {
    const entries = [entry(1, 10), entry(2, 30), entry(3, 20), entry(4, 40)]
    expect(boundEntries(entries, { maxEntries: 2, maxBytes: 1e9 }).map(e => e.usedAt)).toEqual([40, 30])
    const big = [entry(1, 10, 3000), entry(2, 30, 3000), entry(3, 20, 30)]
    // 3000 bytes → 4000 base64 + overhead: room for one big entry and the small one.
    expect(boundEntries(big, { maxEntries: 10, maxBytes: 5000 }).map(e => e.usedAt)).toEqual([30, 20])
  })
})

describe('DirectoryCacheStore', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cache-store-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('restores the exact key, else the newest entry under a prefix; keys are never overwritten', async () => {
    const store = new DirectoryCacheStore(path.join(dir, 'store'))
    const file = path.join(dir, 'work.json')
    expect(await store.restore(file, 'p-run3', ['p-'])).toBeUndefined()
    writeFileSync(file, 'one')
    expect(await store.save(file, 'p-run1')).toBe(true)
    writeFileSync(file, 'two')
    expect(await store.save(file, 'p-run2')).toBe(true)
    writeFileSync(file, 'again')
    expect(await store.save(file, 'p-run1')).toBe(false)
    // run1 is older than run2 whatever the clock resolution.
    utimesSync(path.join(dir, 'store/p-run1'), new Date(1000), new Date(1000))
    expect(await store.restore(file, 'p-run3', ['p-'])).toBe('p-run2')
    expect(readFileSync(file, 'utf8')).toBe('two')
    expect(await store.restore(file, 'p-run1', ['p-'])).toBe('p-run1')
    expect(readFileSync(file, 'utf8')).toBe('one')
    expect(await store.restore(file, 'q-run1', ['q-'])).toBeUndefined()
  })
})

describe('createManifestCache', () => {
  const target = { prime: () => 0, rawManifest: () => undefined }
  const make = (enabled: boolean, env: NodeJS.ProcessEnv, dir?: string) => {
    const debug: string[] = []
    const cache = createManifestCache({ enabled, ...(dir ? { dir } : {}) }, target, {
      env,
      logger: { ...silentLogger, debug: m => debug.push(m) },
      now: () => 0
    })
    return { cache, debug }
  }

  it('uses the Actions cache service when the runner offers it', () => {
    expect(make(true, { ACTIONS_RESULTS_URL: 'https://results.example/' }).cache?.storeName).toBe(
      'actions cache'
    )
    expect(make(true, { ACTIONS_CACHE_URL: 'https://cache.example/' }).cache?.storeName).toBe('actions cache')
  })

  it('skips with a debug line when there is no cache service', () => {
    const { cache, debug } = make(true, {})
    expect(cache).toBeUndefined()
    expect(debug.join('\n')).toContain('the Actions cache service is not available')
  })

  it('prefers a local directory, and is off when cache is false', () => {
    expect(make(true, { ACTIONS_RESULTS_URL: 'x' }, '/tmp/d').cache?.storeName).toBe('directory /tmp/d')
    expect(make(false, { ACTIONS_RESULTS_URL: 'x' }, '/tmp/d').cache).toBeUndefined()
  })
})
