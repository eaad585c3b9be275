/**
 * Dry-run speed at 1,000, 10,000 and 100,000 versions and 0 / 50 ms latency: wall time, the action process's
 * CPU time and peak memory, and the listing and reading requests against the minimum. Meant to be run on two
 * builds and compared (the before/after table of docs/benchmarks.md, "Speed at real latency"):
 *
 *   npx tsx bench/speed.ts [--sizes 1000,10000,100000] [--latency 0,50] [--repeat 2] [--real 100000|none] > after.json
 *   npx tsx bench/speed.ts --compare before.json after.json [--write]
 *
 * The first form prints JSON (one object per case); a build older than this script can be measured by
 * copying this file and lib/dryRun.ts into its checkout. The second renders the table, and with --write
 * replaces its section of docs/benchmarks.md.
 */
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { argument, BENCHMARKS_DOC, writeSections } from './lib/benchDoc.js'
import { runActionInChild } from './lib/childRun.js'
import { bestDryRun, fixture, POLICY, simulator, type DryRun } from './lib/dryRun.js'

export interface SpeedCase {
  readonly size: number
  readonly latencyMs: number
  readonly wallMs: number
  readonly cpuMs: number
  readonly maxRssKiB: number
  /** Version-list pages and manifest reads sent (retries included). */
  readonly listAndRead: number
  /** The least pages and reads any tool needs (docs/benchmarks.md, "The minimum request count"). */
  readonly minimum: number
  /** Every request the simulator saw from the action. */
  readonly requests: number
}

/** A real run: the listing, the reads, the plan and 200 deletes under GitHub's limits (simulated time). */
export interface RealCase {
  readonly size: number
  readonly deleted: number
  readonly maxRssKiB: number
}

interface SpeedRun {
  readonly label: string
  readonly machine: string
  readonly cases: SpeedCase[]
  readonly real?: RealCase[]
}

/** Deletes of the real run: enough to carry the executor, journal and reports through a real run's path. */
const REAL_DELETES = 200

async function realRun(size: number): Promise<RealCase> {
  const pkg = fixture(size)
  // Simulated time 50× faster than real: a second between deletes lasts 20 ms.
  const sim = await simulator(pkg, { timeScale: 0.02, tokenTtlSeconds: 3600 })
  try {
    const listing = 3 + Math.ceil(size / 100)
    const run = await runActionInChild(sim, {
      packages: pkg.name,
      ...POLICY,
      'request-budget': String(listing + REAL_DELETES)
    })
    const deleted = sim.requests.filter(r => r.side === 'rest' && r.method === 'DELETE' && r.status === 204)
    return { size, deleted: deleted.length, maxRssKiB: run.maxRssKiB }
  } finally {
    await sim.close()
  }
}

function numbers(value: string | undefined, fallback: number[]): number[] {
  if (value === undefined) return fallback
  const list = value.split(',').map(s => Number(s.trim()))
  if (list.some(x => !Number.isInteger(x) || x < 0)) throw new Error(`not a list of whole numbers: ${value}`)
  return list
}

function toCase(run: DryRun): SpeedCase {
  return {
    size: run.size,
    latencyMs: run.latencyMs,
    wallMs: Math.round(run.child.wallMs),
    cpuMs: Math.round(run.child.cpuMs),
    maxRssKiB: run.child.maxRssKiB,
    listAndRead: run.counts.pages + run.counts.reads,
    minimum: run.minimum.pages + run.minimum.reads,
    requests: run.counts.rest + run.counts.registry
  }
}

async function measure(): Promise<void> {
  const sizes = numbers(argument('--sizes'), [1_000, 10_000, 100_000])
  const latencies = numbers(argument('--latency'), [0, 50])
  const cases: SpeedCase[] = []
  for (const size of sizes) {
    const pkg = fixture(size)
    for (const latencyMs of latencies) {
      const repeat = Number(argument('--repeat') ?? (size <= 10_000 ? 2 : 1))
      const c = toCase(await bestDryRun(pkg, latencyMs, repeat))
      process.stderr.write(
        `${size} versions, ${latencyMs} ms: ${(c.wallMs / 1000).toFixed(1)} s wall, ` +
          `${(c.cpuMs / 1000).toFixed(1)} s CPU, ${Math.round(c.maxRssKiB / 1024)} MiB, ` +
          `${c.listAndRead}/${c.minimum} list+read\n`
      )
      cases.push(c)
    }
  }
  const real: RealCase[] = []
  for (const size of argument('--real') === 'none' ? [] : numbers(argument('--real'), [100_000])) {
    const r = await realRun(size)
    process.stderr.write(
      `${size} versions, real run: ${r.deleted} deletes, ${Math.round(r.maxRssKiB / 1024)} MiB\n`
    )
    real.push(r)
  }
  const cpus = os.cpus()
  const run: SpeedRun = {
    label: argument('--label') ?? 'build',
    machine: `${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    cases,
    real
  }
  console.log(JSON.stringify(run, null, 2))
}

const s = (ms: number): string => (ms / 1000).toFixed(1)
const mib = (kib: number): string => String(Math.round(kib / 1024))
const n = (x: number): string => x.toLocaleString('en-US')

function table(before: SpeedRun, after: SpeedRun): string {
  const rows = [
    '| Versions | Latency | Wall before (s) | Wall after (s) | Speed-up | CPU before (s) | CPU after (s) | ' +
      'List + read before / after / minimum | Peak RSS before (MiB) | Peak RSS after (MiB) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  ]
  for (const a of after.cases) {
    const b = before.cases.find(c => c.size === a.size && c.latencyMs === a.latencyMs)
    if (!b) continue
    rows.push(
      `| ${n(a.size)} | ${a.latencyMs} ms | ${s(b.wallMs)} | ${s(a.wallMs)} | ${(b.wallMs / a.wallMs).toFixed(1)}× | ` +
        `${s(b.cpuMs)} | ${s(a.cpuMs)} | ${n(b.listAndRead)} / ${n(a.listAndRead)} / ${n(a.minimum)} | ` +
        `${mib(b.maxRssKiB)} | ${mib(a.maxRssKiB)} |`
    )
  }
  for (const a of after.real ?? []) {
    const b = before.real?.find(c => c.size === a.size)
    if (!b) continue
    rows.push(
      '',
      `A real run of ${n(a.size)} versions (listing, reads, plan, then ${REAL_DELETES} deletes under GitHub's ` +
        `limits in simulated time): peak RSS ${mib(b.maxRssKiB)} MiB before, ${mib(a.maxRssKiB)} MiB after.`
    )
  }
  return rows.join('\n')
}

async function compare(): Promise<void> {
  const i = process.argv.indexOf('--compare')
  const [before, after] = [process.argv[i + 1], process.argv[i + 2]].map(
    file => JSON.parse(readFileSync(file, 'utf8')) as SpeedRun
  )
  const body = [
    '## Speed at real latency: before and after',
    '',
    `Dry runs of \`scaleScenario\` (the policy of the tables above), the action in a child process against the ` +
      `loopback simulator, latency added to every answer; the fastest of the repeats. Before: ${before.label}; ` +
      `after: ${after.label}. Machine: ${after.machine}. CPU is the action process's user + system time ` +
      `(the simulator runs in the benchmark's process and does not count). Reproduce with \`npx tsx bench/speed.ts\` ` +
      '(see its header).',
    '',
    table(before, after),
    '',
    '- Listing and reading stay at the minimum in every case: no page is read twice, no digest twice.',
    '- What changed: version pages about 10 at once after the first (src/github/parallelPages.ts); registry reads ' +
      'choose their own concurrency, 16 growing to 64, halved on 429/503 (src/registry/AdaptiveConcurrency.ts); ' +
      "registry requests through undici's dispatcher instead of `fetch`, one JSON parse per REST body, `::debug::` " +
      'lines written only with step debug logging on; plan records and decision lines made one at a time, manifest ' +
      'bytes in shared buffers, at most 256 reads asked at once, the cache restored entry by entry.',
    '- 100,000 versions at 0 ms is slower on purpose. Its 1,000 pages are more than GitHub allows in a minute ' +
      '(900 points), so the listing keeps to 500 pages a rolling minute and the second half waits for the minute ' +
      "to pass. The build before listed one page after another, faster than 900 a minute at 0 ms: GitHub's secondary " +
      'limit would have stopped it on the real API. At real latency the pacing is hidden (the 50 ms row).'
  ].join('\n')
  console.log(body)
  if (!process.argv.includes('--write')) return
  await writeSections(new Map([['Speed at real latency: before and after', body]]))
  process.stderr.write(`wrote ${BENCHMARKS_DOC}\n`)
}

if (process.argv.includes('--compare')) await compare()
else await measure()
