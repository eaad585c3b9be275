/** Self-hosted runners behind a proxy: both clients route through HTTP(S)_PROXY and honour NO_PROXY. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { PackagesClient } from '../../src/github/PackagesClient.js'
import { dispatcherFromEnv } from '../../src/http/dispatcher.js'
import { RegistryClient } from '../../src/registry/RegistryClient.js'
import { FixtureBuilder } from '../../src/sim/fixtures/FixtureBuilder.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'
import { proxy } from '../http/loopback.js'

describe('clients behind a proxy', () => {
  let sim: Simulator
  let p: Awaited<ReturnType<typeof proxy>>
  let digest = ''

  beforeAll(async () => {
    sim = await startSimulator({ seed: 2, timeScale: 0.001, tokenTtlSeconds: 1e9 })
    const b = new FixtureBuilder({ owner: sim.login, name: 'app', now: Date.now() })
    digest = b.image({ tags: ['v1'] })
    sim.loadPackage(b.build())
    p = await proxy()
  })

  afterAll(async () => {
    await p.close()
    await sim.close()
  })

  async function exercise(env: NodeJS.ProcessEnv): Promise<void> {
    const dispatcher = dispatcherFromEnv(env)
    try {
      const rest = new PackagesClient({ token: sim.token, apiUrl: sim.apiUrl, dispatcher, timeScale: 0.001 })
      const pages = []
      for await (const page of rest.listVersions({ owner: sim.login, name: 'app' })) pages.push(page)
      expect(pages.flat().map(v => v.digest)).toEqual([digest])
      const registry = new RegistryClient({ registryUrl: sim.registryUrl, password: sim.token, dispatcher })
      expect(await registry.fetchManifest(`${sim.login}/app`, digest)).toMatchObject({ ok: true })
    } finally {
      await dispatcher.close()
    }
  }

  it('tunnels REST and registry traffic through the proxy', async () => {
    await exercise({ HTTP_PROXY: p.url, HTTPS_PROXY: p.url })
    expect(new Set(p.targets)).toEqual(new Set([new URL(sim.apiUrl).host, new URL(sim.registryUrl).host]))
  })

  it('goes direct to hosts listed in NO_PROXY', async () => {
    const before = p.targets.length
    await exercise({ HTTPS_PROXY: p.url, http_proxy: p.url, NO_PROXY: 'localhost,127.0.0.1' })
    expect(p.targets.length).toBe(before)
  })
})
