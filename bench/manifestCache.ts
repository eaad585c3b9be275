/**
 * Cross-run manifest cache: registry requests of a cold run and of the next day's warm run on the 10,000-version
 * package of bench/requests.ts, through the whole action (src/main.ts, in-process) against the loopback simulator.
 * The cache lives in a directory store (GHCR_RETENTION_CACHE_DIR; on a runner it is the Actions cache service,
 * same file, same keys). Between the runs a day of CI lands: 10 multi-platform releases, 10 single-platform
 * builds and 5 re-push orphans.
 *
 *   npx tsx bench/manifestCache.ts          Markdown table on stdout
 *   npx tsx bench/manifestCache.ts --json   the figures as JSON
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { FixtureBuilder } from '../src/sim/fixtures/FixtureBuilder.js'
import { scaleScenario } from '../src/sim/fixtures/scenarios.js'
import { startSimulator, type Simulator } from '../src/sim/server.js'
import { runAction } from './lib/actionRun.js'

const NOW = Date.parse('2026-06-01T00:00:00Z')
const INPUTS = { packages: 'big', 'dry-run': 'true', 'protect-pinned': 'false' }

interface Counts {
  challenge: number
  tokens: number
  manifestReads: number
  registryTotal: number
  restTotal: number
  seconds: number
}

async function measure(sim: Simulator, cacheDir: string | undefined): Promise<Counts> {
  const from = sim.requests.length
  if (cacheDir) process.env.GHCR_RETENTION_CACHE_DIR = cacheDir
  else delete process.env.GHCR_RETENTION_CACHE_DIR
  const run = await runAction({ sim, inputs: INPUTS })
  if (run.failed) throw new Error(`run failed: ${run.failed}`)
  const made = sim.requests.slice(from)
  const registry = made.filter(r => r.side === 'registry')
  return {
    challenge: registry.filter(r => r.route === 'GET /v2/').length,
    tokens: registry.filter(r => r.route === 'GET /token').length,
    manifestReads: registry.filter(r => r.route === 'GET /v2/{name}/manifests/{reference}').length,
    registryTotal: registry.length,
    restTotal: made.filter(r => r.side === 'rest').length,
    seconds: run.wallMs / 1000
  }
}

/** One day of CI; returns how many of the new versions the planner has to read (roots and orphans). */
function nextDay(sim: Simulator): { versions: number; toRead: number } {
  const b = new FixtureBuilder({ owner: 'acme', name: 'big', now: NOW, seed: 'day-2', shareLayers: true })
  for (let i = 0; i < 10; i++) {
    b.multiArch({
      tags: [`2.0.${i}`],
      platforms: ['linux/amd64', 'linux/arm64/v8'],
      attestations: true,
      text: `r${i}`
    })
  }
  for (let i = 0; i < 10; i++) b.image({ tags: [`sha-day2-${i}`], text: `s${i}` })
  for (let i = 0; i < 5; i++) b.orphan({ text: `o${i}` })
  const pkg = b.build()
  sim.loadPackage(pkg)
  return { versions: pkg.manifests.length, toRead: 10 + 10 + 5 }
}

const sim = await startSimulator({
  seed: 2026,
  startTime: NOW,
  timeScale: 1,
  rateLimits: false,
  tokenTtlSeconds: 86_400
})
const cacheDir = mkdtempSync(path.join(tmpdir(), 'bench-manifest-cache-'))
try {
  sim.addOwner('acme', 'Organization')
  sim.loadPackage(
    scaleScenario({ owner: 'acme', name: 'big', versions: 10_000, multiArchTags: 1_000, now: NOW })
  )
  const cold = await measure(sim, cacheDir)
  const files = readdirSync(cacheDir)
  const cacheBytes = files.reduce((n, f) => n + statSync(path.join(cacheDir, f)).size, 0)
  const day = nextDay(sim)
  const warm = await measure(sim, cacheDir)
  const uncached = await measure(sim, undefined)
  const result = { cold, warm, uncached, day, cacheFiles: files.length, cacheBytes }
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result, null, 2))
  } else {
    const rows: [string, keyof Counts][] = [
      ['Registry `/v2/` challenge', 'challenge'],
      ['Registry tokens', 'tokens'],
      ['Manifest reads (GET)', 'manifestReads'],
      ['Registry requests in all', 'registryTotal'],
      ['REST requests (owner lookup, pages)', 'restTotal']
    ]
    console.log('| Requests | Day 1: cold cache | Day 2: warm cache | Day 2: cache off |')
    console.log('|---|---:|---:|---:|')
    for (const [name, key] of rows)
      console.log(`| ${name} | ${cold[key]} | ${warm[key]} | ${uncached[key]} |`)
    console.log(
      `| Wall time (s) | ${cold.seconds.toFixed(1)} | ${warm.seconds.toFixed(1)} | ${uncached.seconds.toFixed(1)} |`
    )
    console.log(
      `\nDay 2 added ${day.versions} versions, ${day.toRead} of which the planner must read; ` +
        `cache after day 1: ${files.length} file(s), ${(cacheBytes / 1024 / 1024).toFixed(1)} MiB`
    )
  }
} finally {
  await sim.close()
  rmSync(cacheDir, { recursive: true, force: true })
}
