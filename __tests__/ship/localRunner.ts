// Runs one job of a workflow on this machine the way the Actions runner would, for the steps that make sense
// here: `run:` steps under `bash -e`, `uses: ./` as `node dist/index.js` with INPUT_* variables, outputs through
// GITHUB_OUTPUT, `if: always()` / `failure()` cleanup steps. Setup steps (checkout, setup-node, `npm ci`) are
// skipped: this tree is the checkout. Any expression it does not know fails the run instead of being guessed.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadActionMetadata, repoRoot, type WorkflowJob, type WorkflowStep } from './repoFiles.js'

export interface StepResult {
  id: string
  skipped: boolean
  status: number | null
  log: string
  outputs: Record<string, string>
}

import { parseOutputsFile as parseOutputFile } from '../../src/report/outputsFile.js'
export { parseOutputFile }

const isSetup = (step: WorkflowStep): boolean =>
  (typeof step.uses === 'string' && !step.uses.startsWith('./')) || /^\s*npm ci\b/.test(step.run ?? '')

export const runJobLocally = (job: WorkflowJob, timeoutMs = 120_000): StepResult[] => {
  const temp = mkdtempSync(path.join(tmpdir(), 'local-runner-'))
  const results: StepResult[] = []
  const outputs: Record<string, Record<string, string>> = {}
  const action = loadActionMetadata()
  const baseEnv = {
    ...process.env,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_ACTOR: 'local-runner',
    GITHUB_WORKSPACE: repoRoot,
    RUNNER_TEMP: temp,
    GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md')
  }
  writeFileSync(baseEnv.GITHUB_STEP_SUMMARY, '')

  const expand = (value: unknown, where: string): string =>
    String(value).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_all, expression: string) => {
      const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression)
      if (output) return outputs[output[1]]?.[output[2]] ?? ''
      if (expression === 'runner.temp') return temp
      throw new Error(`${where}: the local runner does not know the expression \${{ ${expression} }}`)
    })

  let failed = false
  const groups: number[] = []
  try {
    for (const [index, step] of (job.steps ?? []).entries()) {
      const id = step.id ?? `step-${index + 1}`
      const condition = String(step.if ?? '')
      const runs = condition.includes('always()') || (condition.includes('failure()') ? failed : !failed)
      if (isSetup(step) || !runs) {
        results.push({ id, skipped: true, status: null, log: '', outputs: {} })
        continue
      }
      const outputFile = path.join(temp, `${id}.output`)
      writeFileSync(outputFile, '')
      const env: NodeJS.ProcessEnv = { ...baseEnv, GITHUB_OUTPUT: outputFile }
      for (const [name, value] of Object.entries(step.env ?? {}))
        env[name] = expand(value, `${id} env ${name}`)
      let command: string[]
      if (step.uses === './') {
        // The runner's input contract: every declared input gets its default, `with:` overrides it.
        for (const [name, spec] of Object.entries(action.inputs)) {
          const given = step.with?.[name]
          const value = given === undefined ? String(spec.default ?? '') : expand(given, `${id} with ${name}`)
          env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value.includes('${{') ? '' : value
        }
        command = [process.execPath, path.join(repoRoot, 'dist/index.js')]
      } else {
        command = ['bash', '-e', '-o', 'pipefail', '-c', step.run ?? '']
      }
      const run = spawnSync(command[0], command.slice(1), {
        cwd: repoRoot,
        env,
        encoding: 'utf8',
        timeout: timeoutMs
      })
      const result = {
        id,
        skipped: false,
        status: run.status,
        log: `${run.stdout ?? ''}${run.stderr ?? ''}`,
        outputs: parseOutputFile(readFileSync(outputFile, 'utf8'))
      }
      outputs[id] = result.outputs
      results.push(result)
      if (run.status !== 0) failed = true
    }
  } finally {
    // As the runner's "Cleaning up orphan processes": a background server a step started must not outlive the job.
    for (const group of groups) {
      try {
        process.kill(-group, 'SIGTERM')
      } catch {
        // already gone
      }
    }
    rmSync(temp, { recursive: true, force: true })
  }
  return results
}
