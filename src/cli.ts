/**
 * Local CLI: the same code as the action, driven by flags instead of `with:` inputs.
 *
 *   GITHUB_TOKEN=… npx ghcr-retention --owner acme --packages 'app, app/*' --keep-n-tagged 5 --dry-run
 *
 * Every action input is a flag of the same name (`--keep-tags latest`); a flag without a value means `true`.
 * The token comes from GITHUB_TOKEN or GH_TOKEN, never from the command line (it would land in shell history).
 * The step summary goes to `--summary FILE` (default ghcr-retention-summary.md), outputs are printed.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { run } from './main.js'

const USAGE = `usage: ghcr-retention --owner OWNER --packages NAMES [--dry-run] [--<input> VALUE ...]
  token from GITHUB_TOKEN or GH_TOKEN; every action.yml input is a flag (e.g. --keep-tags 'latest, v*')
  --summary FILE   where to write the Markdown summary (default ghcr-retention-summary.md)
  --help           this text`

export interface CliArgs {
  readonly inputs: Record<string, string>
  readonly summaryFile: string
  readonly help: boolean
}

/** Parses `--name value`, `--name=value` and bare `--flag` (= 'true'). */
export function parseArgs(argv: readonly string[]): CliArgs {
  const inputs: Record<string, string> = {}
  let summaryFile = 'ghcr-retention-summary.md'
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--help' || arg === '-h') {
      help = true
      continue
    }
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(arg)}\n${USAGE}`)
    let name = arg.slice(2)
    let value: string
    const eq = name.indexOf('=')
    if (eq >= 0) {
      value = name.slice(eq + 1)
      name = name.slice(0, eq)
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      value = argv[++i]
    } else {
      value = 'true'
    }
    if (name === 'token')
      throw new Error('pass the token in GITHUB_TOKEN or GH_TOKEN, not on the command line')
    if (name === 'summary') summaryFile = value
    else inputs[name] = value
  }
  return { inputs, summaryFile, help }
}

async function main(): Promise<void> {
  let args: CliArgs
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (e) {
    console.error((e as Error).message)
    process.exitCode = 2
    return
  }
  if (args.help) {
    console.log(USAGE)
    return
  }
  const summary = path.resolve(args.summaryFile)
  const outputs = path.resolve(path.dirname(summary), '.ghcr-retention-outputs')
  writeFileSync(summary, '')
  writeFileSync(outputs, '')
  // The action reads INPUT_* and writes GITHUB_STEP_SUMMARY / GITHUB_OUTPUT files: give it the same.
  process.env.INPUT_TOKEN = process.env.GITHUB_TOKEN || process.env.GH_TOKEN || ''
  for (const [k, v] of Object.entries(args.inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v
  process.env.GITHUB_STEP_SUMMARY = summary
  process.env.GITHUB_OUTPUT = outputs
  if (!process.env.INPUT_OWNER && !process.env.GITHUB_REPOSITORY) {
    console.error(`--owner is required outside GitHub Actions\n${USAGE}`)
    process.exitCode = 2
    return
  }
  await run()
  if (existsSync(outputs)) {
    const text = readFileSync(outputs, 'utf8').trim()
    if (text) console.log(`\noutputs:\n${text}`)
  }
  console.log(`summary written to ${summary}`)
}

await main()
