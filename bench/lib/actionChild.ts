/**
 * The action in a process of its own, for the benchmarks: the simulator stays in the parent, so the memory
 * measured here is the action's alone (as on a runner, where GitHub is another machine) and the two share
 * the CPU the way they would not on one event loop. Started by childRun.ts with the inputs in `INPUT_*`.
 *
 * Environment: BENCH_RESULT (file to write the figures to), BENCH_TIME_SCALE, and BENCH_SIM_NOW /
 * BENCH_REAL_NOW (the simulator's clock at one real instant, so ages are computed on simulated time).
 */
import { writeFileSync } from 'node:fs'
import { run } from '../../src/main.js'

export interface ChildFigures {
  readonly wallMs: number
  /** Peak resident set of this process, KiB (getrusage ru_maxrss). */
  readonly maxRssKiB: number
  /** Resident set just before the run started (runtime, TypeScript loader and the action's modules). */
  readonly baselineRssKiB: number
  /** Largest V8 heap in use seen by a 20 ms sampler, bytes. */
  readonly peakHeapBytes: number
  readonly exitCode: number
  /** CPU time of the run itself (user + system), start-up excluded. */
  readonly cpuMs: number
}

const resultFile = process.env.BENCH_RESULT
if (!resultFile)
  throw new Error('actionChild: BENCH_RESULT is not set; start it through bench/lib/childRun.ts')
const timeScale = Number(process.env.BENCH_TIME_SCALE ?? '1')
const simNow = Number(process.env.BENCH_SIM_NOW ?? Date.now())
const realNow = Number(process.env.BENCH_REAL_NOW ?? Date.now())
const now = (): number => simNow + (Date.now() - realNow) / timeScale

const baselineRssKiB = Math.round(process.memoryUsage.rss() / 1024)
let peakHeapBytes = process.memoryUsage().heapUsed
const sampler = setInterval(() => {
  peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed)
}, 20)

const cpuBefore = process.cpuUsage()
const started = performance.now()
await run({ timeScale, now })
const wallMs = performance.now() - started
clearInterval(sampler)
peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed)
const usage = process.resourceUsage()
const cpu = process.cpuUsage(cpuBefore)
const figures: ChildFigures = {
  wallMs,
  maxRssKiB: usage.maxRSS,
  baselineRssKiB,
  peakHeapBytes,
  exitCode: Number(process.exitCode ?? 0),
  cpuMs: (cpu.user + cpu.system) / 1000
}
writeFileSync(resultFile, JSON.stringify(figures))
// Keep-alive sockets to the simulator would hold the process open for seconds.
process.exit(0)
