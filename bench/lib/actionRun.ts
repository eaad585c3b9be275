/**
 * Runs the action in this process, exactly as the runner would (src/main.ts `run`), against a simulator: the
 * inputs go in as `INPUT_*` variables (that is where @actions/core reads them), the outputs come back from a
 * GITHUB_OUTPUT file, and the journal from `journal-file`. Everything the run changes in the process — the
 * environment, `process.exitCode`, stdout — is put back afterwards, so a test or a benchmark can run it many
 * times in a row.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseJournal, type Journal } from '../../src/execute/Journal.js'
import { run } from '../../src/main.js'
import type { Simulator } from '../../src/sim/server.js'

export interface ActionRunOptions {
  readonly sim: Simulator
  /** Action inputs by their action.yml name (`delete-tags`, `dry-run`, …); token and URLs are filled in. */
  readonly inputs: Readonly<Record<string, string>>
  /** Client waits multiplier; defaults to the simulator's own time scale. */
  readonly timeScale?: number
  /** Epoch ms clock of the run; defaults to the simulator's clock (ages are computed against it). */
  readonly now?: () => number
  /** Keep the log lines in `ActionRun.log` (they are always counted). */
  readonly keepLog?: boolean
  /** Give the run a GITHUB_STEP_SUMMARY file and return what it wrote there in `ActionRun.summary`. */
  readonly stepSummary?: boolean
}

export interface ActionRun {
  readonly outputs: Readonly<Record<string, string>>
  readonly journal: Journal
  /** `core.setFailed` message, when the run failed. */
  readonly failed?: string
  /** Log lines written to stdout. */
  readonly logLines: number
  readonly log: readonly string[]
  readonly wallMs: number
  /** The step summary's Markdown, with `stepSummary` (empty when the run wrote none). */
  readonly summary?: string
}

import { parseOutputsFile as parseOutputFile } from '../../src/report/outputsFile.js'
export { parseOutputFile }

/**
 * The inputs of a run against `sim`: its token, URLs and login, owner `acme`, no artifact upload; `inputs`
 * adds to them or overrides them.
 */
export function simInputs(sim: Simulator, inputs: Readonly<Record<string, string>>): Record<string, string> {
  return {
    token: sim.token,
    owner: 'acme',
    'api-url': sim.apiUrl,
    'registry-url': sim.registryUrl,
    'registry-username': sim.login,
    'upload-journal': 'false',
    ...inputs
  }
}

/** Inputs as the runner passes them: `INPUT_<NAME>`, spaces as underscores, upper case (@actions/core). */
export function inputEnv(inputs: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(inputs))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  return env
}

/** Runs one prune/validate/restore and returns what a workflow would see. */
export async function runAction(options: ActionRunOptions): Promise<ActionRun> {
  const { sim } = options
  const dir = await mkdtemp(join(tmpdir(), 'ghcr-retention-run-'))
  const outputFile = join(dir, 'output')
  await writeFile(outputFile, '')
  const inputs = simInputs(sim, { 'journal-file': join(dir, 'journal.jsonl'), ...options.inputs })
  const env: Record<string, string> = { GITHUB_OUTPUT: outputFile, RUNNER_TEMP: dir }
  // @actions/core remembers the first GITHUB_STEP_SUMMARY it sees for the whole process: one file per process,
  // emptied before each run.
  const summaryFile = join(tmpdir(), `ghcr-retention-step-summary-${process.pid}.md`)
  if (options.stepSummary) await writeFile(summaryFile, '')
  Object.assign(env, inputEnv(inputs))

  const saved = new Map<string, string | undefined>()
  for (const name of Object.keys(env)) saved.set(name, process.env[name])
  // A stray step summary or runner variable of the calling shell must not leak into the run.
  for (const name of ['GITHUB_STEP_SUMMARY', 'GITHUB_API_URL', 'GITHUB_SERVER_URL', 'GITHUB_REPOSITORY']) {
    if (!saved.has(name)) saved.set(name, process.env[name])
    delete process.env[name]
  }
  Object.assign(process.env, env)
  if (options.stepSummary) process.env.GITHUB_STEP_SUMMARY = summaryFile
  const exitCode = process.exitCode
  process.exitCode = undefined

  const log: string[] = []
  let logLines = 0
  let failed: string | undefined
  const write = process.stdout.write.bind(process.stdout)
  // @actions/core writes to process.stdout directly: count (and maybe keep) the lines instead of printing
  // tens of thousands of decision lines.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    for (const line of text.split('\n')) {
      if (line === '') continue
      logLines++
      // core.setFailed ends the run with a bare `::error::` line (package errors carry a title).
      if (line.startsWith('::error::')) failed = line.slice('::error::'.length)
      if (options.keepLog) log.push(line)
    }
    const callback = rest.find(r => typeof r === 'function') as (() => void) | undefined
    callback?.()
    return true
  }) as typeof process.stdout.write

  const started = performance.now()
  try {
    await run({
      timeScale: options.timeScale ?? sim.timeScale,
      now: options.now ?? (() => sim.clock.now()),
      env: { ...process.env }
    })
  } finally {
    process.stdout.write = write
    if (process.exitCode !== 1) failed = undefined
    process.exitCode = exitCode
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
  const wallMs = performance.now() - started
  try {
    const outputs = parseOutputFile(await readFile(outputFile, 'utf8'))
    const journal = parseJournal(await readFile(inputs['journal-file'], 'utf8'), inputs['journal-file'])
    const summary = options.stepSummary ? await readFile(summaryFile, 'utf8') : undefined
    return {
      outputs,
      journal,
      ...(failed !== undefined ? { failed } : {}),
      logLines,
      log,
      wallMs,
      ...(summary !== undefined ? { summary } : {})
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
