import { describe, expect, it } from '@jest/globals'
import { validatePackage } from '../../src/execute/Validate.js'
import { FakePackages, FakeRegistry, FakeStore, PKG } from './fakes.js'

function world() {
  const store = new FakeStore()
  const a = store.image()
  const b = store.image()
  const att = store.image()
  const inner = store.index([a, b])
  const top = store.index([inner, att], ['bundle'])
  const plain = store.image(['plain'])
  return {
    store,
    a,
    b,
    att,
    inner,
    top,
    plain,
    packages: new FakePackages(store),
    registry: new FakeRegistry(store)
  }
}

describe('validatePackage', () => {
  it('passes when every tag resolves in full, through nested indexes', async () => {
    const w = world()
    const result = await validatePackage(PKG, {
      packages: w.packages,
      registry: w.registry,
      repository: 'acme/app'
    })
    expect(result.checkedTags).toBe(2)
    expect(result.broken).toEqual([])
  })

  it('names the missing manifests of a broken tag, however deep', async () => {
    const w = world()
    w.b.state = 'deleted'
    w.att.state = 'deleted'
    const result = await validatePackage(PKG, {
      packages: w.packages,
      registry: w.registry,
      repository: 'acme/app'
    })
    expect(result.broken).toEqual([
      {
        tag: 'bundle',
        digest: w.top.digest,
        missing: [w.b.digest, w.att.digest],
        reason: '2 manifest(s) it references are missing'
      }
    ])
  })

  it('a listed tag the registry does not know is broken, unless this run deleted its version', async () => {
    const w = world()
    const versions = [
      { id: 1, digest: 'sha256:' + 'f'.repeat(64), tags: ['ghost'], createdAt: 0, updatedAt: 0 }
    ]
    const deps = { packages: w.packages, registry: w.registry, repository: 'acme/app', versions }
    const broken = await validatePackage(PKG, deps)
    expect(broken.broken.map(b => b.tag)).toEqual(['ghost'])
    const lagging = await validatePackage(PKG, { ...deps, deletedDigests: new Set([versions[0].digest]) })
    expect(lagging.broken).toEqual([])
  })

  it('a crafted cycle terminates', async () => {
    const store = new FakeStore()
    const x = store.image()
    const A = store.index([x], ['a'])
    // B lists A, then A is rewritten in place to list B (bytes never hash-checked by the fake).
    const B = store.index([A], ['b'])
    const json = JSON.parse(new TextDecoder().decode(A.bytes))
    json.manifests.push({ mediaType: B.mediaType, digest: B.digest, size: 1 })
    A.bytes = new TextEncoder().encode(JSON.stringify(json))
    const result = await validatePackage(PKG, {
      packages: new FakePackages(store),
      registry: new FakeRegistry(store),
      repository: 'acme/app'
    })
    expect(result.broken).toEqual([])
  })
})
