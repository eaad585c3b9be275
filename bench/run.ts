/**
 * The action at scale (issue "Proof on a real registry", part 3): packages of 1,000, 10,000 and 100,000
 * versions, each run through the whole action (src/main.ts, in a child process) against the loopback
 * simulator in this process.
 *
 *   npx tsx bench/run.ts                         every size, tables on stdout
 *   npx tsx bench/run.ts --sizes 1000,10000      only these sizes
 *   npx tsx bench/run.ts --latency-sizes 1000    sizes (or `none`) that also get a dry run at 50 ms latency (default: all
 *                                                sizes up to 10,000; 100,000 at 50 ms takes about 7 minutes)
 *   npx tsx bench/run.ts --repeat 3              dry runs per case, the fastest reported (default: 3 up to
 *                                                10,000 versions, 1 above; the machine may be shared)
 *   npx tsx bench/run.ts --write                 also rewrite this benchmark's sections of docs/benchmarks.md
 *   npx tsx bench/run.ts --json                  the raw figures as JSON
 *
 * Per size:
 * - dry run, rate limits off, no latency: REST requests and registry reads by kind, against the minimum
 *   docs/benchmarks.md defines ("The minimum request count"), computed from the fixture (bench/lib/minimum.ts);
 *   wall time; peak memory of the action's process;
 * - dry run with 50 ms added to every answer (what a runner far from GitHub sees);
 * - a real run under GitHub's documented limits, simulated time 50× faster: deletes per simulated minute.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import type { FixturePackage } from '../src/sim/fixtures/types.js'
import type { RateLimitOptions } from '../src/sim/server.js'
import { argument, BENCHMARKS_DOC, writeSections } from './lib/benchDoc.js'
import { runActionInChild } from './lib/childRun.js'
import type { Minimum } from './lib/minimum.js'
import { bestDryRun, dryRun, fixture, POLICY, simulator, type Counts, type DryRun } from './lib/dryRun.js'
import { describeMachine, machineLine, type Machine } from './lib/machine.js'

const LATENCY_MS = 50
/**
 * Simulated time 50× faster than real time: an hour of GitHub's limits passes in 72 s, and one simulated
 * second (the action's gap between two writes) is 20 ms — more than a delete's round trip on a busy machine,
 * so the limits, not the machine, set the pace.
 */
const THROUGHPUT_TIME_SCALE = 0.02
/** Deletes a throughput run may make: past the 500-per-hour content limit, into the next hour. */
const THROUGHPUT_DELETES = 600
/** Deletes of a real-time pacing run (about two minutes at 60 a minute). */
const PACING_DELETES = 120

interface CacheRuns {
  size: number
  /** The first run with a cache directory: reads everything and saves it. */
  cold: DryRun
  /** The next run, nothing new in the package. */
  warm: DryRun
  /** Size of the cache directory after the cold run. */
  bytes: number
}

interface Throughput {
  size: number
  /** DELETE counted as content-creating (80/min, 500/h), or only the 900-points-per-minute limit. */
  contentDeletes: boolean
  planned: number
  deleted: number
  remaining: number
  stoppedReason?: string
  /** Simulated minutes from the first to the last delete. */
  minutes: number
  firstHour: number
  /** Simulated minutes from the first delete to the 501st (the first one past the hourly limit). */
  minuteOf501st?: number
  peakMinute: number
  /** Deletes per minute over the first five simulated minutes of deleting. */
  burstPerMinute: number
  /** Deletes refused by a rate limit (403 + retry-after), each retried. */
  refusedByLimits: number
  maxRssKiB: number
  /** Deletes per minute from the first delete to the last. */
  perMinute: number
  /** Gaps between two consecutive deletes (simulated ms): median, 90th percentile, longest. */
  gapMs: { median: number; p90: number; max: number }
}

function sizesFrom(value: string | undefined, fallback: readonly number[]): number[] {
  if (value === undefined) return [...fallback]
  if (value === 'none') return []
  const sizes = value.split(',').map(s => Number(s.trim()))
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 10 || s % 10 !== 0) {
      throw new Error(
        `sizes: ${JSON.stringify(value)} must be whole numbers of versions ≥ 10, multiples of 10`
      )
    }
  }
  return sizes
}

function directoryBytes(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size
  }
  return total
}

/** A cold run that fills a cache directory, then a warm one that reads from it. */
async function cacheRuns(pkg: FixturePackage): Promise<CacheRuns> {
  const dir = mkdtempSync(join(os.tmpdir(), 'ghcr-retention-bench-cache-'))
  try {
    const cold = await dryRun(pkg, 0, dir)
    const bytes = directoryBytes(dir)
    const warm = await dryRun(pkg, 0, dir)
    return { size: pkg.manifests.length, cold, warm, bytes }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function throughput(
  pkg: FixturePackage,
  contentDeletes: boolean,
  timeScale = THROUGHPUT_TIME_SCALE,
  budgetDeletes = THROUGHPUT_DELETES
): Promise<Throughput> {
  // GitHub does not say whether DELETE is "content-creating"; the simulator counts it unless told otherwise.
  const rateLimits: RateLimitOptions = contentDeletes ? {} : { contentMethods: ['POST', 'PATCH', 'PUT'] }
  const sim = await simulator(pkg, { timeScale, rateLimits, tokenTtlSeconds: 3600 })
  try {
    const listing = 3 + Math.ceil(pkg.manifests.length / 100)
    const run = await runActionInChild(sim, {
      packages: pkg.name,
      ...POLICY,
      // Enough for the listing and two hours' worth of deletes; the rest stays for the next run.
      'request-budget': String(listing + budgetDeletes + 10)
    })
    const deletes = sim.requests.filter(r => r.side === 'rest' && r.method === 'DELETE')
    const done = deletes
      .filter(r => r.status === 204)
      .map(r => r.at)
      .sort((a, b) => a - b)
    const first = done[0] ?? 0
    const inWindow = (from: number, ms: number): number => done.filter(t => t >= from && t < from + ms).length
    let peakMinute = 0
    for (let i = 0, j = 0; i < done.length; i++) {
      while (done[i] - done[j] >= 60_000) j++
      peakMinute = Math.max(peakMinute, i - j + 1)
    }
    const gaps = done
      .slice(1)
      .map((t, i) => t - done[i])
      .sort((a, b) => a - b)
    const quantile = (q: number): number => gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * q))] ?? 0
    const minutes = done.length > 1 ? (done[done.length - 1] - first) / 60_000 : 0
    const pkgJournal = run.journal.packages[0]
    return {
      size: pkg.manifests.length,
      contentDeletes,
      planned: (pkgJournal?.decisions ?? []).filter(d => d.action === 'delete').length,
      deleted: done.length,
      remaining: Number(run.outputs.remaining),
      ...(pkgJournal?.stoppedReason !== undefined ? { stoppedReason: pkgJournal.stoppedReason } : {}),
      minutes,
      perMinute: minutes > 0 ? (done.length - 1) / minutes : 0,
      gapMs: { median: quantile(0.5), p90: quantile(0.9), max: gaps[gaps.length - 1] ?? 0 },
      firstHour: inWindow(first, 3_600_000),
      ...(done.length > 500 ? { minuteOf501st: (done[500] - first) / 60_000 } : {}),
      peakMinute,
      burstPerMinute: inWindow(first, 5 * 60_000) / 5,
      refusedByLimits: deletes.filter(r => r.status === 403 || r.status === 429).length,
      maxRssKiB: run.maxRssKiB
    }
  } finally {
    await sim.close()
  }
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

const n = (x: number): string => x.toLocaleString('en-US')
const f = (x: number, digits = 1): string =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const mib = (kib: number): string => f(kib / 1024, 0)

function requestsTable(runs: readonly DryRun[]): string {
  const rows: [string, (c: Counts) => number, (m: Minimum) => number][] = [
    ['Owner lookups (`GET /user`, `GET /users/{owner}`)', c => c.ownerLookups, m => m.ownerLookups],
    ['Package lookup (`GET …/packages/container/{name}`)¹', c => c.packageLookups, () => 0],
    ['Version-list pages', c => c.pages, m => m.pages],
    ['Registry `/v2/` challenge', c => c.challenges, m => m.challenges],
    ['Registry tokens²', c => c.tokens, m => m.tokens],
    ['Manifest reads (GET)', c => c.reads, m => m.reads],
    ['Manifest HEADs', c => c.heads, () => 0],
    ['Anything else', c => c.other + c.deletes, () => 0]
  ]
  const head = `| Requests | ${runs.map(r => `${n(r.size)}: min | ${n(r.size)}: sent`).join(' | ')} |`
  const lines = [head, `|---|${runs.map(() => '---:|---:|').join('')}`]
  for (const [label, got, min] of rows) {
    lines.push(`| ${label} | ${runs.map(r => `${n(min(r.minimum))} | ${n(got(r.counts))}`).join(' | ')} |`)
  }
  const minTotal = (r: DryRun): number => rows.reduce((s, [, , min]) => s + min(r.minimum), 0)
  const total = (r: DryRun): number => r.counts.rest + r.counts.registry
  lines.push(`| **Total** | ${runs.map(r => `**${n(minTotal(r))}** | **${n(total(r))}**`).join(' | ')} |`)
  lines.push(
    `| Sent ÷ minimum | ${runs.map(r => `1.000 | ${(total(r) / minTotal(r)).toFixed(3)}`).join(' | ')} |`
  )
  return lines.join('\n')
}

function cacheTable(zero: readonly DryRun[], cache: readonly CacheRuns[]): string {
  const lines = [
    '| Versions | Cache off: wall | reads | Cold (saves the cache): wall | reads | Warm (nothing new): wall | reads | Cache size |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|'
  ]
  for (const c of cache) {
    const z = zero.find(x => x.size === c.size)!
    const cell = (r: DryRun): string => `${f(r.child.wallMs / 1000)} s | ${n(r.counts.reads)}`
    lines.push(
      `| ${n(c.size)} | ${cell(z)} | ${cell(c.cold)} | ${cell(c.warm)} | ${f(c.bytes / 2 ** 20)} MiB |`
    )
  }
  return lines.join('\n')
}

function timeTable(zero: readonly DryRun[], slow: readonly DryRun[]): string {
  const lines = [
    '| Versions | Dry run, 0 ms | per 1,000 versions | Dry run, 50 ms latency | per 1,000 versions | CPU of the action (0 ms) | Would delete |',
    '|---:|---:|---:|---:|---:|---:|---:|'
  ]
  for (const z of zero) {
    const s = slow.find(x => x.size === z.size)
    const per = (r: DryRun): string => `${f(r.child.wallMs / r.size, 2)} s`
    lines.push(
      `| ${n(z.size)} | ${f(z.child.wallMs / 1000)} s | ${per(z)} | ` +
        `${s ? `${f(s.child.wallMs / 1000)} s` : 'not run'} | ${s ? per(s) : '—'} | ` +
        `${f(z.child.cpuMs / 1000)} s | ${n(z.wouldDelete)} |`
    )
  }
  return lines.join('\n')
}

function memoryTable(zero: readonly DryRun[], real: readonly Throughput[]): string {
  const lines = [
    '| Versions | Peak RSS, dry run | of which before the run³ | Growth | per version | Peak V8 heap | Peak RSS, real run |',
    '|---:|---:|---:|---:|---:|---:|---:|'
  ]
  for (const z of zero) {
    const growth = z.child.maxRssKiB - z.child.baselineRssKiB
    const r = real.find(t => t.size === z.size && t.contentDeletes)
    lines.push(
      `| ${n(z.size)} | ${mib(z.child.maxRssKiB)} MiB | ${mib(z.child.baselineRssKiB)} MiB | ${mib(growth)} MiB | ` +
        `${f(growth / z.size, 1)} KiB | ${f(z.child.peakHeapBytes / 2 ** 20, 0)} MiB | ` +
        `${r ? `${mib(r.maxRssKiB)} MiB` : '—'} |`
    )
  }
  return lines.join('\n')
}

function throughputTable(runs: readonly Throughput[]): string {
  const lines = [
    '| Versions | Limits | Planned deletes | Deleted (budget) | Simulated minutes | In the first hour | Busiest minute | First 5 min, per minute | 501st delete at minute | Refused by a limit |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|'
  ]
  for (const t of runs) {
    lines.push(
      `| ${n(t.size)} | ${t.contentDeletes ? 'DELETE counted as content-creating (80/min, 500/h)' : 'DELETE not counted (900 points/min only)'} | ` +
        `${n(t.planned)} | ${n(t.deleted)} | ${f(t.minutes)} | ${n(t.firstHour)} | ${n(t.peakMinute)} | ` +
        `${f(t.burstPerMinute)} | ${t.minuteOf501st !== undefined ? f(t.minuteOf501st) : '—'} | ${n(t.refusedByLimits)} |`
    )
  }
  return lines.join('\n')
}

function pacingTable(runs: readonly Throughput[]): string {
  const lines = [
    '| Versions | Deletes | Minutes | Per minute | Gap between deletes: median | 90th percentile | longest |',
    '|---:|---:|---:|---:|---:|---:|---:|'
  ]
  for (const t of runs) {
    lines.push(
      `| ${n(t.size)} | ${n(t.deleted)} | ${f(t.minutes, 2)} | ${f(t.perMinute)} | ${n(t.gapMs.median)} ms | ` +
        `${n(t.gapMs.p90)} ms | ${n(t.gapMs.max)} ms |`
    )
  }
  return lines.join('\n')
}

/**
 * Said only while it is measured: a pace that drops with the package size means something between deletes
 * holds the process. The journal is not it any more: it appends two short lines per delete (intent, answer;
 * src/run/JournalWriter.ts), whatever the package size.
 */
function journalNote(pacing: readonly Throughput[]): string {
  if (pacing.length < 2) return ''
  const small = pacing[0]
  const large = pacing[pacing.length - 1]
  if (large.perMinute >= small.perMinute * 0.97) return ''
  return (
    `\n\nAt ${n(large.size)} versions the pace drops to ${f(large.perMinute)} a minute (gaps up to ` +
    `${n(large.gapMs.max)} ms): something between deletes holds the process at this size. The journal appends ` +
    'two short lines per delete (src/run/JournalWriter.ts), the same at any size; profile the run to find it. In ' +
    'compressed time the same pauses count 50 times, hence the slower first minutes in the table above.'
  )
}

function sections(
  machine: Machine,
  command: string,
  zero: readonly DryRun[],
  slow: readonly DryRun[],
  cache: readonly CacheRuns[],
  real: readonly Throughput[],
  pacing: readonly Throughput[]
): Map<string, string> {
  const where = `${machineLine(machine)}\nCommand: \`${command}\`.`
  const out = new Map<string, string>()
  out.set(
    'Dry-run requests and time',
    `## Dry-run requests and time

${where}

The whole action (\`src/main.ts\`, in a process of its own) runs in dry-run against the loopback simulator
(\`scaleScenario\`: a tenth of the versions' count in multi-platform releases — each an OCI index over two platform
images and two BuildKit attestation manifests, so half the versions — and of the rest 60 % single-platform
\`sha-…\` builds, 30 % untagged orphans, 10 % cosign signatures). Policy: \`keep-tags: latest, 1.*\`,
\`delete-tags: sha-*\`, \`keep-n-tagged: 50\`, \`older-than: 30d\`, untagged orphans after 7 days. Rate limits are
off (they are reported, never enforced) so only the action's own requests are counted. The minimum is the one
[defined above](#the-minimum-request-count), computed from the fixture's bytes by \`bench/lib/minimum.ts\`.

${requestsTable(zero)}

¹ Not part of the minimum: the action looks each exactly named package up once (it tells "not found" from
"no versions" and works with GITHUB_TOKEN, which cannot list an owner's packages).
² The minimum allows one token per started 60 s of registry work (the lifetime the distribution spec gives a token without
\`expires_in\`; ghcr.io sends none); the client renews when a quarter of that is left.

Wall time of the dry run, and the same run with 50 ms added to every answer (simulator option \`latencyMs\`;
registry reads choose their own concurrency, 16 to 64 (\`max-concurrency\` caps it); version pages go about 10 at once after
the first). Per-version
figures show how time grows with size. Each case ran ${zero.map(z => `${z.runs}×`).join(' / ')} (sizes in order) and
the fastest run is shown: the machine is shared, and the fastest run is the one least slowed by others.

${timeTable(zero, slow)}

Cold and warm cross-run manifest cache (input \`cache\`, here in a directory: \`GHCR_RETENTION_CACHE_DIR\`; on a
runner the Actions cache service holds the same file). The cold run reads as without a cache and saves what it
read; the warm run is the next one on an unchanged package: its reads drop to the digests not seen before
(none), its version pages stay. The cache keeps at most 50,000 manifests (64 MiB; \`src/cache/cacheFile.ts\`), so
at 100,000 versions — 55,000 manifests to read — the warm run reads again the 5,000 that did not fit. Single runs,
not best-of.

${cacheTable(zero, cache)}`
  )
  out.set(
    'Memory',
    `## Memory

${where}

Peak resident set (\`getrusage\` ru_maxrss) of the action's process in the dry runs above; the simulator runs in
the benchmark's own process and is not counted. The real run is the throughput run below (deletes under the
limits, budget-capped).

${memoryTable(zero, real)}

³ Node, the TypeScript loader (\`tsx\`) and the action's modules, before the first request. The bundled action
(\`dist/index.js\`) starts smaller.`
  )
  out.set(
    'Delete throughput under rate limits',
    `## Delete throughput under rate limits

${where}

A real (not dry) run of the same packages under GitHub's documented limits, enforced by the simulator with
simulated time 50× faster than real time (\`timeScale: 0.02\`: a simulated hour passes in 72 s; every wait the
action derives from \`retry-after\` or \`x-ratelimit-reset\` shrinks the same way, so the figures are in
simulated — GitHub — minutes). \`request-budget\` stops each run after the listing and about ${n(THROUGHPUT_DELETES)}
deletes; the rest is the next run's backlog. The ceilings: GitHub allows 80 content-creating requests a minute
and 500 an hour, and 900 points a minute with a DELETE costing 5 (180 a minute); the action sends one write at a
time, at least 1,000 ms apart (60 a minute: GitHub's REST best practices ask for at least one second between
writes), and slows down further whenever GitHub answers with \`retry-after\`.

${throughputTable(real)}

Compressed time magnifies anything that takes real time on the action's side: a pause of 1 real second is 50
simulated seconds above. So the pace is also measured in real time (\`timeScale: 1\`, the same limits, the first
${n(PACING_DELETES)} deletes of each package; the hourly limit is not reached in that time):

${pacingTable(pacing)}${journalNote(pacing)}`
  )
  return out
}

async function main(): Promise<void> {
  const machine = describeMachine()
  const sizes = sizesFrom(argument('--sizes'), [1_000, 10_000, 100_000])
  const latencySizes = sizesFrom(
    argument('--latency-sizes'),
    sizes.filter(s => s <= 10_000)
  )
  const log = (line: string): void => void process.stderr.write(`${line}\n`)
  const zero: DryRun[] = []
  const slow: DryRun[] = []
  const real: Throughput[] = []
  const cache: CacheRuns[] = []
  const pacing: Throughput[] = []
  for (const size of sizes) {
    const t0 = performance.now()
    const pkg = fixture(size)
    log(`${n(size)} versions: fixture built in ${f((performance.now() - t0) / 1000)} s`)
    const repeat = Number(argument('--repeat') ?? (size <= 10_000 ? 3 : 1))
    const z = await bestDryRun(pkg, 0, repeat)
    zero.push(z)
    log(
      `  dry run 0 ms: ${f(z.child.wallMs / 1000)} s, ${n(z.counts.rest + z.counts.registry)} requests, ${mib(z.child.maxRssKiB)} MiB`
    )
    if (latencySizes.includes(size)) {
      const s = await bestDryRun(pkg, LATENCY_MS, repeat)
      slow.push(s)
      log(`  dry run ${LATENCY_MS} ms: ${f(s.child.wallMs / 1000)} s`)
    }
    const c = await cacheRuns(pkg)
    cache.push(c)
    log(
      `  cache: cold ${f(c.cold.child.wallMs / 1000)} s, warm ${f(c.warm.child.wallMs / 1000)} s, ${n(c.warm.counts.reads)} reads`
    )
    const t = await throughput(pkg, true)
    real.push(t)
    log(`  real run under limits: ${n(t.deleted)} deletes in ${f(t.minutes)} simulated minutes`)
    const paced = await throughput(pkg, true, 1, PACING_DELETES)
    pacing.push(paced)
    log(`  real time: ${n(paced.deleted)} deletes at ${f(paced.perMinute)} a minute`)
    if (size === 10_000 || (sizes.length === 1 && size === sizes[0])) {
      const u = await throughput(pkg, false)
      real.push(u)
      log(
        `  real run, DELETE not content-creating: ${n(u.deleted)} deletes in ${f(u.minutes)} simulated minutes`
      )
    }
  }
  const command = `npx tsx bench/run.ts${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}`
  const out = sections(machine, command.replace(/ --(write|json)/g, ''), zero, slow, cache, real, pacing)
  if (process.argv.includes('--json')) {
    console.log(
      JSON.stringify({ machine, loadAtEnd: os.loadavg()[0], zero, slow, cache, real, pacing }, null, 2)
    )
  } else {
    for (const body of out.values()) console.log(body + '\n')
  }
  if (process.argv.includes('--write')) {
    await writeSections(out)
    log(`wrote ${BENCHMARKS_DOC}`)
  }
}

await main()
