/**
 * Request counts of the real clients for one large package, against the minimum defined in docs/benchmarks.md:
 * a 10,000-version package with 1,000 multi-platform tags (scaleScenario), listed, read and pruned through
 * the loopback simulator over HTTP.
 *
 *   npx tsx bench/requests.ts            both runs, Markdown table on stdout
 *   npx tsx bench/requests.ts --json     the figures as JSON
 *
 * Run A: no faults, rate limits reported but never refused, real time: what the clients cost by themselves.
 * Run B: GitHub's documented limits enforced (content creation 80/min, 500/h) and 1 % of requests failing
 *        with 5xx/resets/cut-off bodies, simulated time 1000× faster: what surviving them costs.
 */
import pLimit from 'p-limit'
import { Agent } from 'undici'
import { PackagesClient } from '../src/github/PackagesClient.js'
import { parseManifest } from '../src/model/Manifest.js'
import { isIndexMediaType } from '../src/model/MediaType.js'
import type { PackageVersion } from '../src/model/PackageVersion.js'
import { nextFetches } from '../src/planner/fetchPlan.js'
import { plan } from '../src/planner/planner.js'
import { DEFAULT_POLICY } from '../src/planner/Policy.js'
import { fetchAll } from '../src/registry/fetchAll.js'
import { RegistryClient } from '../src/registry/RegistryClient.js'
import { scaleScenario } from '../src/sim/fixtures/scenarios.js'
import type { FixturePackage } from '../src/sim/fixtures/types.js'
import { startSimulator, type FaultKind, type SimulatorOptions } from '../src/sim/server.js'

const VERSIONS = 10_000
const MULTI_ARCH_TAGS = 1_000
const NOW = Date.parse('2026-06-01T00:00:00Z')
const COSIGN_SUFFIX = /^sha256-[0-9a-f]{64}\.(sig|att|sbom)$/

interface Minimum {
  ownerLookups: number
  pages: number
  challenge: number
  tokens: number
  reads: number
  deletes: number
}

interface Measured extends Minimum {
  restTotal: number
  registryTotal: number
  seconds: number
}

/**
 * The minimum (docs/benchmarks.md) computed from the fixture itself (not from the planner): tagged roots except cosign-suffixed tags, nested
 * indexes, and untagged versions no index reaches. `deletes` is filled in from the plan (one per deletion).
 */
function minimumFor(pkg: FixturePackage): Omit<Minimum, 'deletes'> {
  const present = new Set(pkg.manifests.map(m => m.digest))
  const reached = new Set<string>()
  const nestedIndexes = new Set<string>()
  for (const m of pkg.manifests) {
    if (!isIndexMediaType(m.mediaType)) continue
    for (const d of parseManifest(m.bytes, m.mediaType, m.digest).manifests) {
      if (!present.has(d.digest)) continue
      reached.add(d.digest)
      if (isIndexMediaType(d.mediaType)) nestedIndexes.add(d.digest)
    }
  }
  let reads = 0
  for (const m of pkg.manifests) {
    const rootTags = m.tags.filter(t => !COSIGN_SUFFIX.test(t))
    if (
      rootTags.length > 0 ||
      nestedIndexes.has(m.digest) ||
      (m.tags.length === 0 && !reached.has(m.digest))
    ) {
      reads++
    }
  }
  return { ownerLookups: 2, pages: Math.ceil(pkg.manifests.length / 100), challenge: 1, tokens: 1, reads }
}

async function run(
  label: string,
  pkg: FixturePackage,
  sim: SimulatorOptions,
  faults: readonly FaultKind[]
): Promise<{ label: string; min: Minimum; got: Measured }> {
  const simulator = await startSimulator({ seed: 2026, startTime: NOW, ...sim })
  const agent = new Agent()
  try {
    simulator.addOwner('acme', 'Organization')
    simulator.loadPackage(pkg)
    for (const kind of faults) simulator.faults.add({ kind, rate: 0.01 / faults.length })
    const timeScale = simulator.timeScale
    const rest = new PackagesClient({
      token: simulator.token,
      apiUrl: simulator.apiUrl,
      timeScale,
      dispatcher: agent,
      // Counting, not pacing: the write gap changes how long deletes take, never how many are sent.
      writeGapMs: 0,
      writeConcurrency: 4,
      maxRateLimitWaitSeconds: 3600,
      retries: 8
    })
    const registry = new RegistryClient({
      registryUrl: simulator.registryUrl,
      password: simulator.token,
      timeScale,
      dispatcher: agent,
      concurrency: 8
    })
    const started = performance.now()
    const ref = { owner: pkg.owner, name: pkg.name }
    const versions: PackageVersion[] = []
    for await (const page of rest.listVersions(ref)) versions.push(...page)
    const { facts } = await fetchAll(registry, `${pkg.owner}/${pkg.name}`, versions, nextFetches)
    const p = plan({ packageName: pkg.name, versions, manifests: facts, now: NOW }, DEFAULT_POLICY)
    const restBeforeDeletes = rest.requestCount
    const limit = pLimit(4)
    const outcomes = await Promise.all(p.deleteOrder.map(id => limit(() => rest.deleteVersion(ref, id))))
    const seconds = (performance.now() - started) / 1000
    const failed = outcomes.filter(o => o.kind !== 'deleted' && o.kind !== 'gone')
    if (failed.length)
      throw new Error(`${label}: ${failed.length} deletes failed: ${JSON.stringify(failed[0])}`)

    const requests = simulator.requests
    const count = (side: 'rest' | 'registry', test: (path: string, method: string) => boolean) =>
      requests.filter(r => r.side === side && test(r.path, r.method)).length
    const got: Measured = {
      ownerLookups: count('rest', p => p === '/user' || p.startsWith('/users/')),
      pages: count('rest', (p, m) => m === 'GET' && p.includes('/versions')),
      challenge: registry.stats.pings,
      tokens: registry.stats.tokens,
      reads: registry.stats.manifestGets,
      deletes: rest.requestCount - restBeforeDeletes,
      restTotal: rest.requestCount,
      registryTotal: registry.requestCount,
      seconds
    }
    return { label, min: { ...minimumFor(pkg), deletes: p.deleteOrder.length }, got }
  } finally {
    await simulator.close()
    await agent.close()
  }
}

function table(results: Awaited<ReturnType<typeof run>>[]): string {
  const rows: [string, keyof Minimum][] = [
    ['Owner lookups (`GET /user`, `GET /users/{owner}`)', 'ownerLookups'],
    ['Version-list pages', 'pages'],
    ['Registry `/v2/` challenge', 'challenge'],
    ['Registry tokens', 'tokens'],
    ['Manifest reads (GET)', 'reads'],
    ['Deletes', 'deletes']
  ]
  const head = `| Requests | Minimum | ${results.map(r => r.label).join(' | ')} |`
  const lines = [head, `|---|---:|${results.map(() => '---:|').join('')}`]
  for (const [name, key] of rows) {
    lines.push(`| ${name} | ${results[0].min[key]} | ${results.map(r => r.got[key]).join(' | ')} |`)
  }
  const minTotal = rows.reduce((s, [, k]) => s + results[0].min[k], 0)
  const totals = results.map(r => r.got.restTotal + r.got.registryTotal)
  lines.push(`| **Total** | **${minTotal}** | ${totals.map(t => `**${t}**`).join(' | ')} |`)
  lines.push(`| Ratio to the minimum | 1.00 | ${totals.map(t => (t / minTotal).toFixed(3)).join(' | ')} |`)
  return lines.join('\n')
}

const t0 = performance.now()
const pkg = scaleScenario({
  owner: 'acme',
  name: 'big',
  versions: VERSIONS,
  multiArchTags: MULTI_ARCH_TAGS,
  now: NOW
})
const buildSeconds = (performance.now() - t0) / 1000
const results = [
  await run('A: clean', pkg, { timeScale: 1, rateLimits: false }, []),
  await run('B: limits + 1 % faults', pkg, { timeScale: 0.001 }, [
    'status5xx',
    'reset',
    'truncate',
    'status429'
  ])
]
if (process.argv.includes('--json')) {
  console.log(
    JSON.stringify({ versions: VERSIONS, multiArchTags: MULTI_ARCH_TAGS, buildSeconds, results }, null, 2)
  )
} else {
  console.log(table(results))
  for (const r of results) {
    console.log(
      `\n${r.label}: ${r.got.restTotal} REST + ${r.got.registryTotal} registry requests in ${r.got.seconds.toFixed(1)} s`
    )
  }
}
