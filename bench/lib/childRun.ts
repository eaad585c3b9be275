/**
 * Runs the action in a child process (actionChild.ts) against a simulator of this process, and returns its
 * outputs, journal and resource figures. The child's log goes to /dev/null: it is written (that cost is
 * part of a run) but not kept.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseJournal, type Journal } from '../../src/execute/Journal.js'
import type { Simulator } from '../../src/sim/server.js'
import type { ChildFigures } from './actionChild.js'
import { inputEnv, parseOutputFile, simInputs } from './actionRun.js'

const here = dirname(fileURLToPath(import.meta.url))

export interface ChildRun extends ChildFigures {
  readonly outputs: Readonly<Record<string, string>>
  readonly journal: Journal
}

export async function runActionInChild(
  sim: Simulator,
  inputs: Readonly<Record<string, string>>,
  /** More environment for the action, e.g. GHCR_RETENTION_CACHE_DIR. */
  extraEnv: Readonly<Record<string, string>> = {}
): Promise<ChildRun> {
  const dir = await mkdtemp(join(tmpdir(), 'ghcr-retention-bench-'))
  const outputFile = join(dir, 'output')
  const resultFile = join(dir, 'figures.json')
  const journalFile = join(dir, 'journal.jsonl')
  await writeFile(outputFile, '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_OUTPUT: outputFile,
    RUNNER_TEMP: dir,
    BENCH_RESULT: resultFile,
    BENCH_TIME_SCALE: String(sim.timeScale),
    BENCH_SIM_NOW: String(sim.clock.now()),
    BENCH_REAL_NOW: String(Date.now()),
    ...extraEnv
  }
  Object.assign(env, inputEnv(simInputs(sim, { 'journal-file': journalFile, ...inputs })))
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'actionChild.ts')], {
        env,
        stdio: ['ignore', 'ignore', 'inherit']
      })
      child.once('error', reject)
      child.once('exit', resolve)
    })
    if (code !== 0) throw new Error(`the action's process exited with ${code}`)
    const figures = JSON.parse(await readFile(resultFile, 'utf8')) as ChildFigures
    return {
      ...figures,
      outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
      journal: parseJournal(await readFile(journalFile, 'utf8'), journalFile)
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
