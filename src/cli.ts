/**
 * Local CLI: the same code as the action, driven by flags instead of `with:` inputs.
 *
 *   GITHUB_TOKEN=… node bin/ghcr-retention.js --owner acme --packages 'app, app/*' --keep-n-tagged 5 --dry-run
 *
 * Every action input is a flag of the same name (`--keep-tags latest`); a flag without a value means `true`.
 * The token comes from GITHUB_TOKEN or GH_TOKEN, never from the command line (it would land in shell history).
 * The plan is printed as the Actions log shows it, the step summary goes to `--summary FILE` (Markdown) and the
 * journal to `--json FILE`; outputs are printed at the end.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { CACHE_DIR_ENV } from './cache/cacheSettings.js'
import { parseArgs, USAGE, type CliArgs } from './cli/args.js'
import { renderWorkflowCommands } from './cli/terminal.js'
import { run } from './main.js'
import { parseOutputsFile } from './report/outputsFile.js'

export { parseArgs, type CliArgs } from './cli/args.js'

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
  const token = process.env.GITHUB_TOKEN || process.env.GH_TOKEN || ''
  if (!token) {
    console.error(
      'set GITHUB_TOKEN or GH_TOKEN to a classic PAT with read:packages (and delete:packages to delete), e.g. ' +
        'GITHUB_TOKEN=$(gh auth token)'
    )
    process.exitCode = 2
    return
  }
  if (!args.inputs.owner && !process.env.GITHUB_REPOSITORY) {
    console.error(`--owner is required outside GitHub Actions\n\n${USAGE}`)
    process.exitCode = 2
    return
  }
  const summary = path.resolve(args.summaryFile)
  const journal = path.resolve(
    args.jsonFile ?? path.join(path.dirname(summary), 'ghcr-retention-journal.jsonl')
  )
  // Built by concatenation: ncc's asset relocator rewrites `path.resolve(dir, 'literal')` into a bundle path.
  const outputs = `${path.dirname(summary)}${path.sep}.ghcr-retention-outputs`
  writeFileSync(summary, '')
  writeFileSync(outputs, '')
  // The action reads INPUT_* and writes GITHUB_STEP_SUMMARY / GITHUB_OUTPUT files: give it the same.
  process.env.INPUT_TOKEN = token
  for (const [k, v] of Object.entries(args.inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v
  process.env['INPUT_JOURNAL-FILE'] = journal
  // No Actions runtime here to upload to; an explicit --upload-journal still gets its say (and its debug line).
  process.env['INPUT_UPLOAD-JOURNAL'] = args.inputs['upload-journal'] ?? 'false'
  process.env.GITHUB_STEP_SUMMARY = summary
  process.env.GITHUB_OUTPUT = outputs
  // protect-pinned scans the checkout: the current directory unless told otherwise (or already on a runner).
  if (args.workspace || !process.env.GITHUB_WORKSPACE) {
    process.env.GITHUB_WORKSPACE = path.resolve(args.workspace ?? '.')
  }
  if (args.cacheDir) process.env[CACHE_DIR_ENV] = path.resolve(args.cacheDir)
  // What a runner sets when step debug logging is on: the action writes its debug lines only then.
  if (args.debug) process.env.RUNNER_DEBUG = '1'

  const restore = renderWorkflowCommands(process.stdout, args.debug)
  try {
    await run()
  } finally {
    restore()
  }
  const values = existsSync(outputs) ? Object.entries(parseOutputsFile(readFileSync(outputs, 'utf8'))) : []
  if (values.length > 0) console.log(`\noutputs:\n${values.map(([k, v]) => `  ${k}=${v}`).join('\n')}`)
  console.log(`summary written to ${summary}`)
  if (existsSync(journal)) console.log(`journal written to ${journal}`)
}

await main()
