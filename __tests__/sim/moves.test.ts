import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { MediaTypes } from '../../src/model/MediaType.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'
import type { FixtureManifest } from '../../src/sim/fixtures/types.js'
import { ALL_MANIFEST_TYPES, fixture, image, index, registry, registryToken, rest } from './simHelpers.js'

let sim: Simulator
const amd = image('amd-1')
const arm = image('arm-1')
const old1 = index([amd, arm])
const fillers = Array.from({ length: 4 }, (_, i) => image(`filler-${i}`))
const VERSIONS = '/orgs/acme/packages/container/app/versions'

beforeEach(async () => {
  sim = await startSimulator({ seed: 17, rateLimits: false, tokenTtlSeconds: 3600 })
  sim.addOwner('acme', 'Organization')
  sim.loadPackage(
    fixture('acme', 'app', [
      { m: amd },
      { m: arm },
      { m: old1, tags: ['old-1'] },
      ...fillers.map((m, i) => ({ m, tags: [`f${i}`] }))
    ])
  )
})
afterEach(() => sim.close())

async function listIds(perPage: number): Promise<number[][]> {
  const pages: number[][] = []
  for (let page = 1; ; page++) {
    const res = await rest(sim, `${VERSIONS}?per_page=${perPage}&page=${page}`)
    expect(res.status).toBe(200)
    pages.push(((await res.json()) as { id: number }[]).map(v => v.id))
    if (!/rel="next"/.test(res.headers.get('link') ?? '')) return pages
  }
}

async function manifest(reference: string): Promise<Response> {
  const bearer = await registryToken(sim, 'acme/app')
  return registry(sim, `/v2/acme/app/manifests/${reference}`, bearer, {
    headers: { accept: ALL_MANIFEST_TYPES }
  })
}

const pkg = () => sim.state.packageOf('acme', 'app')!

describe('moves at chosen moments', () => {
  it('after the last list page: the page the client reads was computed before the push', async () => {
    sim.moves.afterLastListPage(m => m.tag('acme', 'app', 'v2', amd.digest))
    const pages = await listIds(3)
    expect(pages.flat()).toHaveLength(7)
    expect(sim.moves.fired.map(f => f.label)).toEqual(['after last list page #1'])
    // The listing shows amd untagged; the registry now tags it.
    expect(pkg().resolve('v2')?.digest).toBe(amd.digest)
    expect((await manifest('v2')).headers.get('docker-content-digest')).toBe(amd.digest)
  })

  it('between pages: a delete by someone else shifts the next page, so one version is never listed', async () => {
    const newest = pkg().page('active', 0, 1)[0]
    sim.moves.afterListPage(1, m => m.delete('acme', 'app', newest.digest))
    const pages = await listIds(3)
    const seen = pages.flat()
    const active = pkg()
      .versions('active')
      .map(v => v.id)
    // Page 2 starts one row later than it would have: the 4th-newest version slid onto page 1 unseen.
    expect(active.filter(id => !seen.includes(id))).toHaveLength(1)
    expect(new Set(seen).size).toBe(seen.length)
  })

  it('between pages: a push shifts entries down, so one version is listed twice', async () => {
    const fresh = image('fresh')
    sim.moves.afterListPage(1, m =>
      m.push('acme', 'app', [manifestOf(fresh.digest, fresh.bytes, fresh.mediaType, [])], fresh.blobs)
    )
    const seen = (await listIds(3)).flat()
    expect(seen.length - new Set(seen).size).toBe(1)
  })

  it('on the nth DELETE, before it is handled', async () => {
    const order: string[] = []
    sim.moves.onDelete(2, 'before', m => {
      order.push(`move sees ${m.package('acme', 'app').activeCount} active`)
      m.tag('acme', 'app', 'v2', arm.digest)
    })
    const ids = pkg()
      .versions('active')
      .slice(-3)
      .map(v => v.id)
    for (const id of ids) {
      const res = await rest(sim, `${VERSIONS}/${id}`, { method: 'DELETE' })
      order.push(`DELETE ${res.status}`)
    }
    expect(order).toEqual(['DELETE 204', 'move sees 6 active', 'DELETE 204', 'DELETE 204'])
    expect(pkg().resolve('v2')?.digest).toBe(arm.digest)
  })

  it('imagetools create with two sources: a new index over existing manifests, descriptors copied', async () => {
    sim.moves.afterLastListPage(m => m.pushIndexOver('acme', 'app', 'v2', [arm.digest, amd.digest]))
    await listIds(100)
    const v2 = await manifest('v2')
    expect(v2.status).toBe(200)
    expect(v2.headers.get('content-type')).toBe(MediaTypes.ociIndex)
    const body = (await v2.json()) as { manifests: { digest: string; platform: { architecture: string } }[] }
    expect(body.manifests.map(d => [d.digest, d.platform.architecture])).toEqual([
      [arm.digest, 'arm64'],
      [amd.digest, 'amd64']
    ])
    expect(pkg().activeCount).toBe(8)
    // old-1 is untouched: a second index now lists the same children.
    expect(pkg().resolve('old-1')?.digest).toBe(old1.digest)
  })

  it('a multi-platform push uploads platform images untagged first, then the index', async () => {
    const a = image('new-amd')
    const b = image('new-arm')
    const idx = index([a, b])
    const blobs = new Map([...a.blobs, ...b.blobs])
    sim.moves.afterListPage(1, m =>
      m.push(
        'acme',
        'app',
        [a, b].map(x => manifestOf(x.digest, x.bytes, x.mediaType, [])),
        blobs
      )
    )
    sim.moves.afterLastListPage(
      m => m.push('acme', 'app', [manifestOf(idx.digest, idx.bytes, idx.mediaType, ['v3'])]),
      2
    )
    const pages = await listIds(3)
    expect(pages.length).toBeGreaterThan(1)
    expect(pkg().resolve(a.digest)?.tags).toEqual([])
    // The first listing's last page came before the index: its hook waits for the next last page.
    expect(sim.moves.pending).toBe(1)
    await listIds(3)
    expect(pkg().resolve('v3')?.digest).toBe(idx.digest)
  })

  it('refuses an index whose children are absent, as a registry does', () => {
    const a = image('never-pushed')
    const idx = index([a, amd])
    expect(() =>
      sim.moves.push('acme', 'app', [manifestOf(idx.digest, idx.bytes, idx.mediaType, ['x'])])
    ).toThrow(/absent/)
  })

  it('rejects hooks that cannot fire', () => {
    expect(() => sim.moves.add({ timing: 'before', lastPage: true, move: () => {} })).toThrow(
      /timing "after"/
    )
    expect(() => sim.moves.add({ timing: 'after', nth: 0, move: () => {} })).toThrow(/nth/)
  })
})

function manifestOf(digest: string, bytes: Buffer, mediaType: string, tags: string[]): FixtureManifest {
  const at = new Date().toISOString()
  return { digest, bytes, mediaType, tags, createdAt: at, updatedAt: at }
}
