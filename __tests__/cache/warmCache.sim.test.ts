/**
 * The cross-run manifest cache end to end: the action runs in-process against the simulator with a directory
 * store (what GHCR_RETENTION_CACHE_DIR / the CLI's --cache-dir select; on a runner it is the Actions cache), so
 * the registry requests of a second run can be counted. The warm run must read only the digests it has never
 * seen, and must decide exactly what a cold run decides.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runAction, type ActionRun } from '../../bench/lib/actionRun.js'
import { CACHE_SCHEMA } from '../../src/cache/cacheFile.js'
import { FixtureBuilder } from '../../src/sim/fixtures/FixtureBuilder.js'
import { realisticScenario } from '../../src/sim/fixtures/scenarios.js'
import { startSimulator, type Simulator } from '../../src/sim/server.js'

const NOW = Date.parse('2026-06-01T00:00:00Z')
const POLICY = {
  packages: 'app, app/*',
  'keep-tags': 'latest, main',
  'delete-tags': 'v*, pr-*, sha-*',
  'keep-n-tagged': '3',
  'older-than': '30d',
  'dry-run': 'true',
  'protect-pinned': 'false'
}

let sim: Simulator
let cacheDir: string

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 0.001, startTime: NOW, rateLimits: false, tokenTtlSeconds: 86_400 })
  sim.addOwner('acme', 'Organization')
  for (const p of realisticScenario({ owner: 'acme', name: 'app', now: NOW })) sim.loadPackage(p)
  cacheDir = mkdtempSync(path.join(tmpdir(), 'manifest-cache-'))
})
afterAll(async () => {
  await sim.close()
  rmSync(cacheDir, { recursive: true, force: true })
})

interface Counted {
  readonly run: ActionRun
  /** Registry requests of this run by simulator route: `GET /v2/`, `GET /token`, `GET /v2/{name}/manifests`. */
  readonly registry: Record<string, number>
  /** Manifest digests read from the registry. */
  readonly reads: string[]
}

async function run(inputs: Record<string, string> = {}, cache = true): Promise<Counted> {
  const from = sim.requests.length
  if (cache) process.env.GHCR_RETENTION_CACHE_DIR = cacheDir
  try {
    const r = await runAction({ sim, inputs: { ...POLICY, ...inputs }, keepLog: true })
    expect(r.failed).toBeUndefined()
    const registry: Record<string, number> = {}
    const reads: string[] = []
    for (const q of sim.requests.slice(from)) {
      if (q.side !== 'registry') continue
      registry[q.route ?? q.path] = (registry[q.route ?? q.path] ?? 0) + 1
      const m = /\/manifests\/(sha256:[0-9a-f]{64})$/.exec(q.path)
      if (m && q.method === 'GET') reads.push(m[1])
    }
    return { run: r, registry, reads }
  } finally {
    delete process.env.GHCR_RETENTION_CACHE_DIR
  }
}

function decisions(r: Counted): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of r.run.journal.packages)
    for (const d of p.decisions ?? []) out[`${p.name} ${d.digest}`] = `${d.action} ${d.rule}`
  return out
}

const MANIFESTS = 'GET /v2/{name}/manifests/{reference}'

describe('cross-run manifest cache', () => {
  let cold: Counted
  let warm: Counted
  let added: string[]
  let afterCold: string[]
  beforeAll(async () => {
    cold = await run()
    afterCold = readdirSync(cacheDir)
    // A day of CI: one new multi-platform release and one re-push that left an orphan.
    const b = new FixtureBuilder({ owner: 'acme', name: 'app', now: NOW, seed: 'next-day' })
    const release = b.multiArch({ tags: ['v2.0.0'], attestations: true, ageDays: 0, text: 'v2.0.0' })
    const orphan = b.orphan({ ageDays: 0, text: 'orphan-new' })
    sim.loadPackage(b.build())
    added = [release.index, orphan]
    warm = await run()
  })

  it('a cold run reads from the registry and saves one entry per package', () => {
    expect(cold.reads.length).toBeGreaterThan(20)
    const names = afterCold
    expect(names).toHaveLength(2)
    for (const n of names) expect(n).toMatch(/^ghcr-retention-manifests-v1-acme-[0-9a-f]{12}-local-/)
    expect(new Set(names.map(n => n.split('-')[5])).size).toBe(2)
    expect(cold.run.log.filter(l => l.includes('cache: no saved manifests'))).toHaveLength(2)
  })

  it('a warm run reads only the new digests, plus the challenge and one token', () => {
    expect(warm.reads.sort()).toEqual([...added].sort())
    // The package that changed is saved again; the quiet one keeps its entry.
    expect(readdirSync(cacheDir)).toHaveLength(afterCold.length + 1)
    expect(warm.registry).toEqual({ 'GET /v2/': 1, 'GET /token': 1, [MANIFESTS]: 2 })
  })

  it('decides exactly what a cold run decides', async () => {
    const uncached = await run({}, false)
    expect(uncached.reads.length).toBeGreaterThan(cold.reads.length)
    expect(decisions(warm)).toEqual(decisions(uncached))
  })

  it('a run with nothing new reads nothing and does not save a new entry', async () => {
    const entries = readdirSync(cacheDir).length
    const quiet = await run()
    expect(quiet.registry).toEqual({})
    expect(readdirSync(cacheDir)).toHaveLength(entries)
  })

  it('an entry whose bytes do not match its digest is read again; the rest still count', async () => {
    const files = readdirSync(cacheDir).map(n => path.join(cacheDir, n))
    for (const f of files) {
      const json = JSON.parse(readFileSync(f, 'utf8')) as {
        schema: string
        entries: { d: string; b: string }[]
      }
      expect(json.schema).toBe(CACHE_SCHEMA)
      // Swap the bodies of the first two entries: both are well-formed JSON, neither hashes to its digest.
      const [a, b] = json.entries
      ;[a.b, b.b] = [b.b, a.b]
      writeFileSync(f, JSON.stringify(json))
    }
    const tampered = await run()
    // Two swapped entries in each package's newest file (app and app/tools): four digests read again.
    expect(tampered.reads).toHaveLength(4)
    expect(tampered.run.log.some(l => /failed verification and will be read again/.test(l))).toBe(true)
    expect(decisions(tampered)).toEqual(decisions(warm))
  })

  it('a file that is not a cache at all is ignored with a warning: the run reads as if cold', async () => {
    for (const n of readdirSync(cacheDir)) writeFileSync(path.join(cacheDir, n), '\u0000garbage')
    const broken = await run()
    expect(broken.run.log.some(l => l.startsWith('::warning') && l.includes('ignored: not JSON'))).toBe(true)
    expect(broken.reads.length).toBe(cold.reads.length + added.length)
    expect(decisions(broken)).toEqual(decisions(warm))
  })
})
