import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startSimulator, type Simulator } from '../../src/sim/server.js'
import { links, rest } from './simHelpers.js'

let sim: Simulator
beforeAll(async () => {
  sim = await startSimulator({ rateLimits: false })
  const repo = sim.state.addRepo('acme', 'app')
  repo.addBranch('main', undefined, true)
  repo.addBranch('feature/login')
  repo.addBranch('fix-1')
  for (let i = 1; i <= 5; i++) repo.addPull({ headRef: `feature/${i}`, createdAt: Date.UTC(2024, 0, i) })
  repo.closePull(2, true)
  repo.closePull(3)
})
afterAll(() => sim.close())

type Pull = {
  number: number
  state: string
  merged_at: string | null
  closed_at: string | null
  head: { ref: string }
}

describe('pull requests', () => {
  it('gets one pull request with state, merged_at, closed_at and head.ref', async () => {
    const merged = (await (await rest(sim, '/repos/acme/app/pulls/2')).json()) as Pull & { merged: boolean }
    expect(merged).toMatchObject({ number: 2, state: 'closed', merged: true, head: { ref: 'feature/2' } })
    expect(merged.merged_at).toMatch(/Z$/)
    const closed = (await (await rest(sim, '/repos/acme/app/pulls/3')).json()) as Pull
    expect(closed.merged_at).toBeNull()
    expect(closed.closed_at).toMatch(/Z$/)
    expect((await rest(sim, '/repos/acme/app/pulls/99')).status).toBe(404)
    expect((await rest(sim, '/repos/acme/nope/pulls/1')).status).toBe(404)
  })

  it('lists by state, newest first, paginated', async () => {
    const open = (await (await rest(sim, '/repos/acme/app/pulls')).json()) as Pull[]
    expect(open.map(p => p.number)).toEqual([5, 4, 1])
    const closed = (await (await rest(sim, '/repos/acme/app/pulls?state=closed')).json()) as Pull[]
    expect(closed.map(p => p.number)).toEqual([3, 2])
    const page = await rest(sim, '/repos/acme/app/pulls?state=all&per_page=2&page=2')
    expect(((await page.json()) as Pull[]).map(p => p.number)).toEqual([3, 2])
    expect(new URL(links(page.headers.get('link')).last).searchParams.get('page')).toBe('3')
    const head = (await (
      await rest(sim, '/repos/acme/app/pulls?state=all&head=acme:feature/4')
    ).json()) as Pull[]
    expect(head.map(p => p.number)).toEqual([4])
  })
})

describe('branches', () => {
  it('lists branches by name, paginated', async () => {
    const res = await rest(sim, '/repos/acme/app/branches?per_page=2')
    const names = ((await res.json()) as { name: string }[]).map(b => b.name)
    expect(names).toEqual(['feature/login', 'fix-1'])
    expect(links(res.headers.get('link')).next).toContain('page=2')
    const prot = (await (await rest(sim, '/repos/acme/app/branches?protected=true')).json()) as {
      name: string
    }[]
    expect(prot.map(b => b.name)).toEqual(['main'])
  })

  it('gets a branch whose name has a slash, encoded or not, and 404s a missing one', async () => {
    expect((await rest(sim, '/repos/acme/app/branches/feature%2Flogin')).status).toBe(200)
    const raw = (await (await rest(sim, '/repos/acme/app/branches/feature/login')).json()) as { name: string }
    expect(raw.name).toBe('feature/login')
    const gone = await rest(sim, '/repos/acme/app/branches/feature/old')
    expect(gone.status).toBe(404)
    expect(((await gone.json()) as { message: string }).message).toBe('Branch not found')
    sim.state.repo('acme', 'app')!.removeBranch('fix-1')
    expect((await rest(sim, '/repos/acme/app/branches/fix-1')).status).toBe(404)
  })
})
