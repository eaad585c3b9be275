import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startSimulator, type Simulator } from '../../src/sim/server.js'
import {
  ALL_MANIFEST_TYPES,
  fixture,
  image,
  index,
  links,
  manyImages,
  registry,
  registryToken,
  rest
} from './simHelpers.js'

let sim: Simulator

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, rateLimits: false })
  sim.addOwner('acme', 'Organization')
  sim.addOwner('solo', 'User')
})
afterAll(() => sim.close())

type Version = { id: number; name: string; metadata: { container: { tags: string[] } }; deleted_at?: string }

async function versions(path: string, query = ''): Promise<Version[]> {
  const res = await rest(sim, `${path}/versions${query}`)
  expect(res.status).toBe(200)
  return (await res.json()) as Version[]
}

describe('owners', () => {
  it('tells users from organizations, and answers 404 for strangers', async () => {
    expect(((await (await rest(sim, '/users/acme')).json()) as { type: string }).type).toBe('Organization')
    expect(((await (await rest(sim, '/users/solo')).json()) as { type: string }).type).toBe('User')
    expect((await rest(sim, '/users/nobody')).status).toBe(404)
  })

  it('GET /user gives the login of a PAT and 403 for an installation token', async () => {
    const me = (await (await rest(sim, '/user')).json()) as { login: string }
    expect(me.login).toBe(sim.login)
    const other = sim.issueToken({ kind: 'pat', login: 'alice' })
    expect(((await (await rest(sim, '/user', { token: other })).json()) as { login: string }).login).toBe(
      'alice'
    )
    const gh = sim.issueToken({ kind: 'installation', owner: 'acme' })
    const res = await rest(sim, '/user', { token: gh })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { message: string }).message).toBe('Resource not accessible by integration')
  })

  it('answers 401 without or with a bad token', async () => {
    const none = await rest(sim, '/orgs/acme/packages?package_type=container', { token: '' })
    expect(none.status).toBe(401)
    expect(((await none.json()) as { message: string }).message).toBe('Requires authentication')
    const bad = await rest(sim, '/orgs/acme/packages?package_type=container', { token: 'ghp_nope' })
    expect(bad.status).toBe(401)
    const bearer = await fetch(`${sim.apiUrl}/user`, { headers: { authorization: `Bearer ${sim.token}` } })
    expect(bearer.status).toBe(200)
  })
})

describe('packages', () => {
  beforeAll(() => {
    sim.loadPackage(manyImages('acme', 'pub', 2, 'public'))
    sim.loadPackage(manyImages('acme', 'priv', 2, 'private'))
    sim.loadPackage(manyImages('acme', 'repo/sub', 2, 'private'))
    sim.loadPackage(manyImages('solo', 'mine', 1))
  })

  it('lists an org’s packages with visibility filter and pagination', async () => {
    const all = (await (await rest(sim, '/orgs/acme/packages?package_type=container')).json()) as {
      name: string
    }[]
    expect(all.map(p => p.name)).toEqual(expect.arrayContaining(['pub', 'priv', 'repo/sub']))
    const pub = (await (
      await rest(sim, '/orgs/acme/packages?package_type=container&visibility=public')
    ).json()) as {
      name: string
    }[]
    expect(pub.map(p => p.name)).toEqual(['pub'])
    const page = await rest(sim, '/orgs/acme/packages?package_type=container&per_page=1&page=2')
    expect(((await page.json()) as unknown[]).length).toBe(1)
    expect(Object.keys(links(page.headers.get('link'))).sort()).toEqual(['first', 'last', 'next', 'prev'])
  })

  it('refuses page * per_page > 10000, a GITHUB_TOKEN, and routes of the wrong owner kind', async () => {
    const res = await rest(sim, '/orgs/acme/packages?package_type=container&per_page=100&page=101')
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toMatch(/cannot be greater than 10000/)
    const gh = sim.issueToken({ kind: 'installation', owner: 'acme' })
    const asGh = await rest(sim, '/orgs/acme/packages?package_type=container', { token: gh })
    expect(asGh.status).toBe(400)
    expect(((await asGh.json()) as { message: string }).message).toBe('Invalid argument.')
    expect((await rest(sim, '/users/acme/packages?package_type=container')).status).toBe(404)
    expect((await rest(sim, '/orgs/solo/packages?package_type=container')).status).toBe(404)
  })

  it('gets a package by its %2F-encoded name; the unencoded path is a 404', async () => {
    const res = await rest(sim, '/orgs/acme/packages/container/repo%2Fsub')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { name: string; version_count: number; url: string }
    expect(body.name).toBe('repo/sub')
    expect(body.version_count).toBe(2)
    expect(body.url).toBe(`${sim.apiUrl}/orgs/acme/packages/container/repo%2Fsub`)
    expect((await rest(sim, '/orgs/acme/packages/container/repo/sub')).status).toBe(404)
    expect((await rest(sim, '/orgs/acme/packages/container/repo/sub/versions')).status).toBe(404)
    expect((await rest(sim, '/orgs/acme/packages/container/repo%2Fsub/versions')).status).toBe(200)
  })

  it('serves the user and authenticated-user variants', async () => {
    const solo = sim.issueToken({ kind: 'pat', login: 'solo' })
    expect((await rest(sim, '/users/solo/packages/container/mine/versions', { token: solo })).status).toBe(
      200
    )
    // A private package of someone else does not exist, as far as GitHub tells.
    expect((await rest(sim, '/users/solo/packages/container/mine/versions')).status).toBe(404)
    const res = await rest(sim, '/user/packages/container/mine/versions', { token: solo })
    expect(res.status).toBe(200)
    expect(((await res.json()) as Version[]).length).toBe(1)
    const gh = sim.issueToken({ kind: 'installation', owner: 'solo' })
    expect((await rest(sim, '/user/packages/container/mine/versions', { token: gh })).status).toBe(403)
  })

  it('hides a private package from a stranger but shows a public one', async () => {
    const bob = sim.issueToken({ kind: 'pat', login: 'bob' })
    expect((await rest(sim, '/orgs/acme/packages/container/priv', { token: bob })).status).toBe(404)
    expect((await rest(sim, '/orgs/acme/packages/container/pub', { token: bob })).status).toBe(200)
    const [v] = (await (
      await rest(sim, '/orgs/acme/packages/container/pub/versions', { token: bob })
    ).json()) as Version[]
    const del = await rest(sim, `/orgs/acme/packages/container/pub/versions/${v.id}`, {
      method: 'DELETE',
      token: bob
    })
    expect(del.status).toBe(403)
    expect(((await del.json()) as { message: string }).message).toBe('Must have admin rights to Package.')
  })
})

describe('versions', () => {
  it('pages newest first with a Link header, per_page clamped to 100', async () => {
    sim.loadPackage(manyImages('acme', 'paged', 250))
    const first = await rest(sim, '/orgs/acme/packages/container/paged/versions?per_page=500')
    const rows = (await first.json()) as Version[]
    expect(rows.length).toBe(100)
    expect(rows[0].metadata.container.tags).toEqual(['t249'])
    expect(rows.every((r, i) => i === 0 || rows[i - 1].id > r.id)).toBe(true)
    const l = links(first.headers.get('link'))
    expect(new URL(l.next).searchParams.get('page')).toBe('2')
    expect(new URL(l.last).searchParams.get('page')).toBe('3')
    expect(l.prev).toBeUndefined()
    const seen = new Set<number>()
    let url: string | undefined = `${sim.apiUrl}/orgs/acme/packages/container/paged/versions?per_page=100`
    while (url) {
      const res: Response = await fetch(url, { headers: { authorization: `token ${sim.token}` } })
      for (const v of (await res.json()) as Version[]) seen.add(v.id)
      url = links(res.headers.get('link')).next
    }
    expect(seen.size).toBe(250)
    const third = await rest(sim, '/orgs/acme/packages/container/paged/versions?per_page=100&page=3')
    expect(((await third.json()) as Version[]).length).toBe(50)
    expect(Object.keys(links(third.headers.get('link'))).sort()).toEqual(['first', 'prev'])
  })

  it('gets one version by id', async () => {
    sim.loadPackage(manyImages('acme', 'one', 2))
    const [newest] = await versions('/orgs/acme/packages/container/one')
    const res = await rest(sim, `/orgs/acme/packages/container/one/versions/${newest.id}`)
    expect(((await res.json()) as Version).name).toBe(newest.name)
    expect((await rest(sim, '/orgs/acme/packages/container/one/versions/999')).status).toBe(404)
  })

  it('deletes a version: 204, listed as deleted, its manifest and tags leave the registry', async () => {
    const platforms = [image('d-amd64'), image('d-arm64')]
    const top = index(platforms)
    sim.loadPackage(
      fixture('acme', 'del', [
        { m: platforms[0] },
        { m: platforms[1] },
        { m: top, tags: ['v1', 'latest'] },
        { m: image('other'), tags: ['v0'] }
      ])
    )
    const p = '/orgs/acme/packages/container/del'
    const before = await versions(p)
    const target = before.find(v => v.name === top.digest)!
    expect((await rest(sim, `${p}/versions/${target.id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await versions(p)).map(v => v.id)).not.toContain(target.id)
    const deleted = await versions(p, '?state=deleted')
    expect(deleted.map(v => v.id)).toEqual([target.id])
    expect(deleted[0].deleted_at).toMatch(/Z$/)
    const bearer = await registryToken(sim, 'acme/del')
    const accept = { accept: ALL_MANIFEST_TYPES }
    expect(
      (await registry(sim, `/v2/acme/del/manifests/${top.digest}`, bearer, { headers: accept })).status
    ).toBe(404)
    expect((await registry(sim, '/v2/acme/del/manifests/latest', bearer, { headers: accept })).status).toBe(
      404
    )
    const tags = (await (await registry(sim, '/v2/acme/del/tags/list', bearer)).json()) as { tags: string[] }
    expect(tags.tags).toEqual(['v0'])
    const again = await rest(sim, `${p}/versions/${target.id}`, { method: 'DELETE' })
    expect(again.status).toBe(404)
  })

  it('refuses to delete the last tagged version (400) but lets untagged ones go', async () => {
    const orphan = image('lt-orphan')
    sim.loadPackage(fixture('acme', 'last', [{ m: orphan }, { m: image('lt-1'), tags: ['latest'] }]))
    const p = '/orgs/acme/packages/container/last'
    const vs = await versions(p)
    const tagged = vs.find(v => v.metadata.container.tags.length > 0)!
    const res = await rest(sim, `${p}/versions/${tagged.id}`, { method: 'DELETE' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toBe(
      'You cannot delete the last tagged version of a package. You must delete the package instead.'
    )
    const untagged = vs.find(v => v.name === orphan.digest)!
    expect((await rest(sim, `${p}/versions/${untagged.id}`, { method: 'DELETE' })).status).toBe(204)
  })

  it('refuses public versions with more than 5,000 downloads', async () => {
    sim.loadPackage(
      fixture(
        'acme',
        'famous',
        [
          { m: image('f-1'), tags: ['a'], downloads: 5_001 },
          { m: image('f-2'), tags: ['b'] }
        ],
        'public'
      )
    )
    const p = '/orgs/acme/packages/container/famous'
    const hot = (await versions(p)).find(v => v.metadata.container.tags[0] === 'a')!
    const res = await rest(sim, `${p}/versions/${hot.id}`, { method: 'DELETE' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toMatch(
      /more than 5000 downloads cannot be deleted/
    )
  })

  it('restores within 30 days, giving back only tags nobody re-pushed', async () => {
    const a = image('r-a')
    const b = image('r-b')
    sim.loadPackage(
      fixture('acme', 'undo', [
        { m: a, tags: ['keep', 'moved'] },
        { m: b, tags: ['other'] }
      ])
    )
    const p = '/orgs/acme/packages/container/undo'
    const va = (await versions(p)).find(v => v.name === a.digest)!
    expect((await rest(sim, `${p}/versions/${va.id}`, { method: 'DELETE' })).status).toBe(204)
    sim.state
      .packageOf('acme', 'undo')!
      .setTag('moved', sim.state.packageOf('acme', 'undo')!.resolve(b.digest)!, sim.clock.now())
    expect((await rest(sim, `${p}/versions/${va.id}/restore`, { method: 'POST' })).status).toBe(204)
    const bearer = await registryToken(sim, 'acme/undo')
    const keep = await registry(sim, '/v2/acme/undo/manifests/keep', bearer, {
      headers: { accept: ALL_MANIFEST_TYPES }
    })
    expect(keep.headers.get('docker-content-digest')).toBe(a.digest)
    const moved = await registry(sim, '/v2/acme/undo/manifests/moved', bearer, {
      headers: { accept: ALL_MANIFEST_TYPES }
    })
    expect(moved.headers.get('docker-content-digest')).toBe(b.digest)
    const after = await versions(p)
    expect(after.find(v => v.id === va.id)!.metadata.container.tags).toEqual(['keep'])
    expect(after.find(v => v.name === b.digest)!.metadata.container.tags.sort()).toEqual(['moved', 'other'])
    expect((await rest(sim, `${p}/versions/${va.id}/restore`, { method: 'POST' })).status).toBe(404)
  })

  it('cannot restore after 30 days', async () => {
    const s = await startSimulator({ rateLimits: false })
    try {
      s.loadPackage(fixture(s.login, 'old', [{ m: image('o-1') }, { m: image('o-2'), tags: ['x'] }]))
      const base = `/users/${s.login}/packages/container/old`
      const [, untagged] = (await (await rest(s, `${base}/versions`)).json()) as Version[]
      expect((await rest(s, `${base}/versions/${untagged.id}`, { method: 'DELETE' })).status).toBe(204)
      s.clock.advance(31 * 24 * 3_600_000)
      expect((await rest(s, `${base}/versions/${untagged.id}/restore`, { method: 'POST' })).status).toBe(404)
    } finally {
      await s.close()
    }
  })

  it('deletes and restores a whole package', async () => {
    sim.loadPackage(manyImages('acme', 'whole', 2))
    const p = '/orgs/acme/packages/container/whole'
    expect((await rest(sim, p, { method: 'DELETE' })).status).toBe(204)
    expect((await rest(sim, p)).status).toBe(404)
    const bearer = await registryToken(sim, 'acme/whole')
    expect((await registry(sim, '/v2/acme/whole/tags/list', bearer)).status).toBe(404)
    expect((await rest(sim, `${p}/restore`, { method: 'POST' })).status).toBe(204)
    expect((await rest(sim, p)).status).toBe(200)
  })
})

describe('permissions', () => {
  it('lets a GITHUB_TOKEN delete only with admin on the package', async () => {
    sim.loadPackage(manyImages('acme', 'ci', 3))
    const pkg = sim.state.packageOf('acme', 'ci')!
    const gh = sim.issueToken({ kind: 'installation', owner: 'acme' })
    const p = '/orgs/acme/packages/container/ci'
    const [, , oldest] = (await (await rest(sim, `${p}/versions`, { token: gh })).json()) as Version[]
    pkg.actionsAccess = 'write'
    const denied = await rest(sim, `${p}/versions/${oldest.id}`, { method: 'DELETE', token: gh })
    expect(denied.status).toBe(403)
    expect(((await denied.json()) as { message: string }).message).toBe(
      'Resource not accessible by integration'
    )
    pkg.actionsAccess = 'none'
    expect((await rest(sim, `${p}/versions`, { token: gh })).status).toBe(404)
    pkg.actionsAccess = 'admin'
    expect((await rest(sim, `${p}/versions/${oldest.id}`, { method: 'DELETE', token: gh })).status).toBe(204)
  })

  it('checks classic PAT scopes', async () => {
    sim.loadPackage(manyImages('acme', 'scoped', 3))
    const p = '/orgs/acme/packages/container/scoped'
    const readOnly = sim.issueToken({ kind: 'pat', scopes: ['read:packages'] })
    const [, , oldest] = (await (await rest(sim, `${p}/versions`, { token: readOnly })).json()) as Version[]
    const res = await rest(sim, `${p}/versions/${oldest.id}`, { method: 'DELETE', token: readOnly })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { message: string }).message).toMatch(/delete:packages/)
    expect(res.headers.get('x-oauth-scopes')).toBe('read:packages')
    const none = sim.issueToken({ kind: 'pat', scopes: ['repo'] })
    expect((await rest(sim, `${p}/versions`, { token: none })).status).toBe(403)
  })

  it('gives an org member read but not delete', async () => {
    sim.loadPackage(manyImages('acme', 'members', 3))
    sim.state.owner('acme')!.members.add('carol')
    const carol = sim.issueToken({ kind: 'pat', login: 'carol' })
    const p = '/orgs/acme/packages/container/members'
    const [, , oldest] = (await (await rest(sim, `${p}/versions`, { token: carol })).json()) as Version[]
    const res = await rest(sim, `${p}/versions/${oldest.id}`, { method: 'DELETE', token: carol })
    expect(res.status).toBe(403)
  })
})
