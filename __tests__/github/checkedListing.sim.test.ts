/**
 * The listing check against a registry that moves (issue 17, item 2): deletes and pushes between list pages,
 * seen through version_count and repeated ids; a moved listing is read again, and one that keeps moving is
 * returned untrusted so that the planner keeps the orphans an index the listing missed may own.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { listAllVersions } from '../../src/github/listAllVersions.js'
import { listVersionsChecked } from '../../src/github/checkedListing.js'
import { compilePolicy } from '../../src/planner/compilePolicy.js'
import { nextFetches } from '../../src/planner/fetchPlan.js'
import type { ManifestFact } from '../../src/model/ManifestFact.js'
import type { Plan } from '../../src/planner/Plan.js'
import { plan } from '../../src/planner/planner.js'
import type { PackageVersion } from '../../src/model/PackageVersion.js'
import type { RegistryMoves } from '../../src/sim/moves.js'
import { startHarness, type Harness } from '../execute/simHarness.js'
import { fixture, image, index, type Entry } from '../sim/simHelpers.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

/**
 * 100 tagged images, newest; under them (rows 101, 102, 103 of the newest-first listing) three tagged
 * indexes x1, x2, x3, each over two old untagged platform images. The client reads 100 rows a page.
 */
const children = [0, 1, 2].map(i => [image(`x${i + 1}-amd`), image(`x${i + 1}-arm`)])
const xs = children.map(pair => index(pair))
function busyPackage() {
  const entries: Entry[] = []
  let minute = 0
  for (const pair of children) for (const m of pair) entries.push({ m, minute: minute++ })
  for (let i = 2; i >= 0; i--) entries.push({ m: xs[i], tags: [`x${i + 1}`], minute: minute++ })
  for (let i = 0; i < 100; i++) entries.push({ m: image(`filler-${i}`), tags: [`f${i}`], minute: minute++ })
  return fixture('acme', 'app', entries)
}

/** Someone else deletes the newest version: every later row moves up one. */
function deleteNewest(m: RegistryMoves): void {
  const pkg = m.package('acme', 'app')
  m.delete('acme', 'app', pkg.page('active', 0, 1)[0].digest)
}

async function planOf(versions: PackageVersion[], extra: object = {}): Promise<Plan> {
  const facts = new Map<string, ManifestFact>()
  for (let next = nextFetches(versions, facts); next.length > 0; next = nextFetches(versions, facts)) {
    for (const d of next) facts.set(d, await h!.registry.fetchManifest(h!.repository, d))
  }
  const policy = compilePolicy({ 'untagged-grace': '1d' })
  return plan({ packageName: 'app', versions, manifests: facts, now: h!.sim.clock.now(), ...extra }, policy)
}

const digestsDeleted = (p: Plan, versions: PackageVersion[]): string[] => {
  const byId = new Map(versions.map(v => [v.id, v.digest]))
  return p.deleteOrder.map(id => byId.get(id)!)
}

describe('listing check', () => {
  it('a quiet package: trusted at once, for two GET package requests', async () => {
    h = await startHarness([busyPackage()], { sim: { rateLimits: false } })
    const listing = await listVersionsChecked(h.packages, h.pkg)
    expect(listing).toMatchObject({ trusted: true, attempts: 1, moves: [] })
    expect(listing.versions).toHaveLength(109)
    // 2 list pages + version_count before and after (the owner lookup aside).
    const routes = h.sim.requests.filter(r => r.side === 'rest').map(r => r.route)
    expect(routes.filter(r => r?.endsWith('/versions'))).toHaveLength(2)
    expect(routes.filter(r => r?.endsWith('{package_name}'))).toHaveLength(2)
  })

  it('a delete between pages hides an index: without the check its children are deleted and its tag breaks', async () => {
    h = await startHarness([busyPackage()], { sim: { rateLimits: false } })
    h.sim.moves.afterListPage(1, deleteNewest)
    const versions = await listAllVersions(h.packages, h.pkg)
    expect(versions.map(v => v.digest)).not.toContain(xs[0].digest)
    const p = await planOf(versions)
    expect(digestsDeleted(p, versions).sort()).toEqual(children[0].map(c => c.digest).sort())
    for (const id of p.deleteOrder) await h.packages.deleteVersion(h.pkg, id)
    // x1 still answers, but its platform images are gone: `docker pull …:x1` fails.
    const x1 = h.sim.state.packageOf('acme', 'app')!.resolve('x1')!
    expect(x1.digest).toBe(xs[0].digest)
    expect(children[0].some(c => h!.sim.state.packageOf('acme', 'app')!.resolve(c.digest))).toBe(false)
  })

  it('a delete between pages: the check sees the count move, lists again and gets everything', async () => {
    h = await startHarness([busyPackage()], { sim: { rateLimits: false } })
    h.sim.moves.afterListPage(1, deleteNewest)
    const listing = await listVersionsChecked(h.packages, h.pkg)
    expect(listing.trusted).toBe(true)
    expect(listing.attempts).toBe(2)
    expect(listing.moves).toEqual(['version_count 109 before, 108 after'])
    expect(listing.versions.map(v => v.digest)).toContain(xs[0].digest)
    const p = await planOf(listing.versions)
    expect(p.deleteOrder).toEqual([])
  })

  it('a push between pages lists one version twice: seen, listed again', async () => {
    h = await startHarness([busyPackage()], { sim: { rateLimits: false } })
    const fresh = image('fresh')
    h.sim.moves.afterListPage(1, m => {
      const at = new Date(m.state.now()).toISOString()
      m.push('acme', 'app', [{ ...fresh, tags: ['fresh'], createdAt: at, updatedAt: at }], fresh.blobs)
    })
    const listing = await listVersionsChecked(h.packages, h.pkg)
    expect(listing.moves).toEqual([
      '1 id listed twice; version_count 109 before, 110 after; 109 unique versions listed, version_count 110'
    ])
    expect(listing).toMatchObject({ trusted: true, attempts: 2 })
    expect(listing.versions).toHaveLength(110)
  })

  it('a listing that moves on every attempt is untrusted: the orphans it shows are kept, and the tag holds', async () => {
    h = await startHarness([busyPackage()], { sim: { rateLimits: false } })
    // Each attempt reads 2 pages; each loses the next index under the page boundary.
    for (const page of [1, 3, 5]) h.sim.moves.afterListPage(page, deleteNewest)
    const listing = await listVersionsChecked(h.packages, h.pkg)
    expect(listing.trusted).toBe(false)
    expect(listing.attempts).toBe(3)
    expect(listing.moves).toHaveLength(3)
    expect(listing.versions.map(v => v.digest)).not.toContain(xs[2].digest)
    const unguarded = await planOf(listing.versions)
    expect(digestsDeleted(unguarded, listing.versions).sort()).toEqual(children[2].map(c => c.digest).sort())
    const guarded = await planOf(listing.versions, {
      listingTrusted: false,
      listingMoves: listing.moves.join(' | ')
    })
    expect(guarded.deleteOrder).toEqual([])
    expect(guarded.warnings.map(w => w.kind)).toContain('listing-moved')
  })

  it('a push and a delete between the same pages cancel out: the count cannot see it (the barrier must)', async () => {
    h = await startHarness([busyPackage()], { sim: { rateLimits: false } })
    const fresh = image('fresh')
    h.sim.moves.afterListPage(1, m => {
      const at = new Date(m.state.now()).toISOString()
      m.push('acme', 'app', [{ ...fresh, tags: ['fresh'], createdAt: at, updatedAt: at }], fresh.blobs)
      // The oldest filler: rows above the boundary do not move, so nothing is listed twice.
      m.delete('acme', 'app', 'f0')
    })
    const listing = await listVersionsChecked(h.packages, h.pkg)
    expect(listing).toMatchObject({ trusted: true, attempts: 1 })
    expect(listing.versions.map(v => v.digest)).not.toContain(fresh.digest)
  })
})
