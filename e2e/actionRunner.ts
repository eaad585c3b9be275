// Runs the bundled action (dist/index.js) the way the Actions runner does: every input declared in action.yml
// as INPUT_<NAME> with its default (the `${{ github.* }}` defaults expanded), `with:` values on top, the
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and RUNNER_TEMP; nothing else of this process's environment leaks in.
import { parseOutputsFile } from '../src/report/outputsFile.js'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { parseJournal, type Journal } from '../src/execute/Journal.js'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const ACTION = path.join(repoRoot, 'dist/index.js')

export interface GithubContext {
  readonly token: string
  readonly api_url: string
  readonly repository_owner: string
  readonly actor: string
  readonly repository: string
}

export interface ActionResult {
  /** Exit code; null when killed. */
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** stdout + stderr (workflow commands included). */
  readonly log: string
  readonly outputs: Record<string, string>
  readonly summary: string
  readonly journalFile: string
  /** The journal, when the run wrote one (read as a killed run leaves it: a cut-off last line is left out). */
  readonly journal?: Journal
}

export interface RunningAction {
  readonly child: ChildProcess
  readonly done: Promise<ActionResult>
}

let declared: Record<string, string> | undefined
const running = new Set<ChildProcess>()
const tempDirs: string[] = []

/**
 * Kills every action process still running (a failed or timed-out test must not leave one behind) and removes
 * the runs' temporary directories (journals included: read them before).
 */
export async function cleanUpActions(): Promise<void> {
  for (const child of running) child.kill('SIGKILL')
  await Promise.all(tempDirs.splice(0).map(dir => rm(dir, { recursive: true, force: true })))
}

/** action.yml's inputs with their defaults, read once. */
function declaredInputs(): Record<string, string> {
  if (!declared) {
    const doc = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: unknown }>
    }
    declared = Object.fromEntries(
      Object.entries(doc.inputs).map(([name, spec]) => [name, String(spec.default ?? '')])
    )
  }
  return declared
}

function expand(value: string, github: GithubContext): string {
  return value.replace(/\$\{\{\s*github\.(\w+)\s*\}\}/g, (_all, key: string) => {
    const known = (github as unknown as Record<string, string>)[key]
    if (known === undefined)
      throw new Error(`action.yml default uses github.${key}, which the e2e runner does not set`)
    return known
  })
}

/** Starts `node dist/index.js` with `inputs` as the `with:` block; `done` settles when the process ends. */
export async function startAction(
  github: GithubContext,
  inputs: Record<string, string>
): Promise<RunningAction> {
  if (!existsSync(ACTION)) throw new Error(`${ACTION} is missing: run npm run bundle`)
  const temp = await mkdtemp(path.join(tmpdir(), 'e2e-action-'))
  tempDirs.push(temp)
  const outputFile = path.join(temp, 'output.txt')
  const summaryFile = path.join(temp, 'summary.md')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  const journalFile = inputs['journal-file'] || path.join(temp, 'journal.jsonl')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: github.repository,
    GITHUB_REPOSITORY_OWNER: github.repository_owner,
    GITHUB_ACTOR: github.actor,
    GITHUB_API_URL: github.api_url,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_STATE: path.join(temp, 'state.txt'),
    RUNNER_TEMP: temp
  }
  const all = { ...declaredInputs(), 'journal-file': journalFile, ...inputs }
  for (const [name, value] of Object.entries(all)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = expand(value, github)
  }
  const child = spawn(process.execPath, [ACTION], { cwd: temp, env, stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  child.once('exit', () => running.delete(child))
  let log = ''
  child.stdout!.on('data', (c: Buffer) => (log += c.toString('utf8')))
  child.stderr!.on('data', (c: Buffer) => (log += c.toString('utf8')))
  const done = new Promise<ActionResult>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => {
      void (async () => {
        const journalText = existsSync(journalFile) ? await readFile(journalFile, 'utf8') : undefined
        resolve({
          code,
          signal,
          log,
          outputs: parseOutputsFile(await readFile(outputFile, 'utf8')),
          summary: await readFile(summaryFile, 'utf8'),
          journalFile,
          ...(journalText ? { journal: parseJournal(journalText, journalFile) } : {})
        })
      })().catch(reject)
    })
  })
  return { child, done }
}

/** Runs the action to its end. */
export async function runAction(
  github: GithubContext,
  inputs: Record<string, string>
): Promise<ActionResult> {
  return (await startAction(github, inputs)).done
}
