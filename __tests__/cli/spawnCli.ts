/**
 * The CLI as a user runs it: `src/cli.ts` in a child process through tsx (as `npx tsx src/cli.ts` would), in a
 * clean environment — nothing of a surrounding runner (GITHUB_*, INPUT_*, ACTIONS_*) may leak in — with
 * traffic to the simulator on 127.0.0.1 kept off any proxy.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TSX = path.join(root, 'node_modules/tsx/dist/cli.mjs')
const CLI = path.join(root, 'src/cli.ts')

export interface CliExit {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the CLI with `args` in `cwd`; `env` adds to PATH, HOME and NO_PROXY (e.g. GITHUB_TOKEN). */
export function spawnCli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_PROXY: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', c => (stdout += c))
    child.stderr.on('data', c => (stderr += c))
    child.on('error', reject)
    child.on('exit', code => resolve({ code, stdout, stderr }))
  })
}
