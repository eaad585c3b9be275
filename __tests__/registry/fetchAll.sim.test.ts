/** The read loop over the simulator: rounds follow what the planner asks for, no digest is read twice. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'
import type { PackageVersion } from '../../src/model/PackageVersion.js'
import type { ManifestFact } from '../../src/model/ManifestFact.js'
import { fetchAll } from '../../src/registry/fetchAll.js'
import { RegistryClient } from '../../src/registry/RegistryClient.js'
import { FixtureBuilder } from '../../src/sim/fixtures/FixtureBuilder.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'

const NOW = Date.parse('2026-06-01T00:00:00Z')

describe('fetchAll', () => {
  let sim: Simulator
  const agent = new Agent()
  let versions: PackageVersion[] = []
  let outer = ''
  let inner = ''

  beforeAll(async () => {
    sim = await startSimulator({ seed: 4, timeScale: 0.001, tokenTtlSeconds: 1e9 })
    sim.addOwner('acme', 'Organization')
    const b = new FixtureBuilder({ owner: 'acme', name: 'app', now: NOW })
    const nested = b.nested({ tags: ['v1'] })
    outer = nested.index
    inner = nested.inner.index
    b.image({ tags: ['v2'] })
    b.orphan({ ageDays: 3 })
    const pkg = b.build()
    sim.loadPackage(pkg)
    versions = pkg.manifests.map((m, i) => ({
      id: i + 1,
      digest: m.digest,
      tags: m.tags,
      createdAt: 0,
      updatedAt: 0
    }))
  })

  afterAll(async () => {
    await sim.close()
    await agent.close()
  })

  /** Tagged first; then the children of every index read so far. */
  function tagsThenChildren(
    vs: readonly PackageVersion[],
    facts: ReadonlyMap<string, ManifestFact>
  ): string[] {
    const tagged = vs.filter(v => v.tags.length > 0).map(v => v.digest)
    const children = [...facts.values()].flatMap(f => (f.ok ? f.manifest.manifests.map(d => d.digest) : []))
    return [...tagged, ...children]
  }

  it('reads round by round until nothing new is wanted', async () => {
    const registry = new RegistryClient({
      registryUrl: sim.registryUrl,
      password: sim.token,
      dispatcher: agent
    })
    const rounds: number[] = []
    const result = await fetchAll(registry, 'acme/app', versions, tagsThenChildren, {
      onRound: (_, n) => rounds.push(n)
    })
    // v1 + v2; the inner index; its two platform images; nothing new after that.
    expect(rounds).toEqual([2, 1, 2])
    expect(result).toMatchObject({ rounds: 3, truncated: false })
    expect(result.facts.get(inner)).toMatchObject({ ok: true, manifest: { kind: 'index' } })
    expect(result.facts.get(outer)).toMatchObject({ ok: true })
    expect(registry.stats.manifestGets).toBe(5)
  })

  it('stops a planner that keeps asking for new digests', async () => {
    const registry = new RegistryClient({
      registryUrl: sim.registryUrl,
      password: sim.token,
      dispatcher: agent
    })
    let n = 0
    const endless = () => [`sha256:${(n++).toString(16).padStart(64, '0')}`]
    const result = await fetchAll(registry, 'acme/app', versions, endless, { maxRounds: 3 })
    expect(result).toMatchObject({ rounds: 3, truncated: true })
    expect([...result.facts.values()].every(f => !f.ok && f.notFound)).toBe(true)
  })
})
