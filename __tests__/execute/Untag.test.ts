import { describe, expect, it } from '@jest/globals'
import { RequestBudget } from '../../src/execute/RequestBudget.js'
import { placeholderManifest, untag, type UntagDeps } from '../../src/execute/Untag.js'
import { parseManifest, sha256Digest } from '../../src/model/Manifest.js'
import { FakePackages, FakeRegistry, FakeStore, PKG, memoryLogger } from './fakes.js'

function world() {
  const store = new FakeStore()
  const child = store.image()
  const V = store.index([child], ['v1.2.3', 'pr-7', 'latest'])
  const other = store.image(['other'])
  const packages = new FakePackages(store)
  const registry = new FakeRegistry(store)
  const deps: UntagDeps = {
    packages,
    registry,
    pkg: PKG,
    repository: 'acme/app',
    budget: RequestBudget.create(packages),
    logger: memoryLogger(),
    pollDelayMs: 0
  }
  return { store, V, other, packages, registry, deps }
}

describe('placeholderManifest', () => {
  it('is an empty OCI index (needs no blob), unique per nonce, naming the tag it removes', () => {
    const a = placeholderManifest('pr-7', 'n1')
    const b = placeholderManifest('pr-7', 'n2')
    expect(a.digest).toBe(sha256Digest(a.bytes))
    expect(a.digest).not.toBe(b.digest)
    const m = parseManifest(a.bytes, a.mediaType, a.digest)
    expect(m.kind).toBe('index')
    expect(m.manifests).toEqual([])
    expect(m.annotations).toMatchObject({
      'io.github.ghcr-retention.removes-tag': 'pr-7',
      'io.github.ghcr-retention.nonce': 'n1'
    })
  })
})

describe('untag', () => {
  it('removes only the deletable tag: pushes a placeholder, deletes exactly the placeholder version', async () => {
    const w = world()
    const before = new Set(w.store.versions.keys())
    const results = await untag([{ versionId: w.V.id, digest: w.V.digest, tag: 'pr-7' }], w.deps)
    expect(results).toHaveLength(1)
    expect(results[0].ok).toBe(true)
    const created = [...w.store.versions.values()].filter(v => !before.has(v.id))
    expect(created).toHaveLength(1)
    expect(created[0].digest).toBe(results[0].placeholderDigest)
    expect(created[0].state).toBe('deleted')
    expect(w.packages.calls.filter(c => c.startsWith('DELETE'))).toEqual([`DELETE ${created[0].id}`])
    expect(w.store.versions.get(w.V.id)!.state).toBe('active')
    expect(w.store.versions.get(w.V.id)!.tags.sort()).toEqual(['latest', 'v1.2.3'])
    expect(w.store.resolve('pr-7')).toBeUndefined()
  })

  it('a tag that moved since planning is left alone (someone pushed a new image to it)', async () => {
    const w = world()
    w.store.tag('pr-7', w.other)
    const results = await untag([{ versionId: w.V.id, digest: w.V.digest, tag: 'pr-7' }], w.deps)
    expect(results[0]).toMatchObject({
      ok: false,
      error: `tag now points at ${w.other.digest}, not ${w.V.digest}: left alone`
    })
    expect(w.registry.calls).not.toContain('PUT pr-7')
    expect(w.packages.calls.filter(c => c.startsWith('DELETE'))).toEqual([])
  })

  it('waits for a lagging version list, then finds the placeholder by digest alone', async () => {
    const w = world()
    w.packages.listLag = 1
    const results = await untag(
      [
        { versionId: w.V.id, digest: w.V.digest, tag: 'pr-7' },
        { versionId: w.V.id, digest: w.V.digest, tag: 'latest' }
      ],
      w.deps
    )
    expect(results.map(r => r.ok)).toEqual([true, true])
    expect(w.store.versions.get(w.V.id)!.tags).toEqual(['v1.2.3'])
    // First scan saw nothing new (lag), the second found both on its first page.
    expect(w.packages.calls.filter(c => c.startsWith('GET list')).length).toBeGreaterThan(1)
  })

  it('a placeholder never listed is reported, and no other version is deleted in its place', async () => {
    const w = world()
    w.packages.listLag = 100
    const results = await untag([{ versionId: w.V.id, digest: w.V.digest, tag: 'pr-7' }], {
      ...w.deps,
      pollAttempts: 2
    })
    expect(results[0].ok).toBe(false)
    expect(results[0].error).toMatch(/^placeholder sha256:\w+ is not listed by GitHub yet \(list lag\)/)
    expect(w.packages.calls.filter(c => c.startsWith('DELETE'))).toEqual([])
  })

  it('without budget for the list and the delete, nothing is pushed', async () => {
    const w = world()
    const results = await untag([{ versionId: w.V.id, digest: w.V.digest, tag: 'pr-7' }], {
      ...w.deps,
      budget: RequestBudget.create(w.packages, 1)
    })
    expect(results[0]).toMatchObject({ ok: false })
    expect(results[0].error).toMatch(/^not attempted/)
    expect(w.registry.calls).toEqual([])
  })
})
