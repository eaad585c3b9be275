/**
 * The demo: start the GHCR simulator on 127.0.0.1 with a realistic package, then run the bundled action
 * (dist/index.js) exactly as the Actions runner does — INPUT_* variables, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT —
 * first in dry-run (the plan), then for real, then `mode: validate`, then `mode: restore` from the journal, the
 * local CLI, a scheduled sweep of closed pull requests' images, and a pull request's `closed` event.
 *
 *   npm run demo               all four stages
 *   npm run demo -- --dry-run  only the dry-run plan
 *   npm run demo -- --debug    also the debug lines (the reason behind every decision)
 *   npm run demo -- --docs     also copy the dry run's summary to docs/demo-summary.md and .html
 *
 * The action runs in the repository's root with paths relative to it, so a summary shows
 * `demo-out/1-dry-run/…`, never the absolute path of the machine that made it.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { startSimulator, type Simulator } from '../src/sim/server.js'
import { buildRealisticScenario } from '../src/sim/fixtures/scenarios.js'
import { renderSummaryHtml } from '../src/report/html.js'
import { parseOutputsFile } from '../src/report/outputsFile.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** Relative to `root`, the working directory of every stage: what reports print stays machine-neutral. */
const out = 'demo-out'
process.chdir(root)
const NOW = Date.now()

interface StageResult {
  code: number
  outputs: Record<string, string>
  summary: string
}

const showDebug = process.argv.includes('--debug')

/** Renders workflow commands roughly as the Actions log viewer does; debug lines only with --debug. */
function asRunnerShowsIt(line: string): string | undefined {
  if (line.startsWith('::debug::')) return showDebug ? `  debug: ${line.slice(9)}` : undefined
  if (line.startsWith('::add-mask::')) return undefined
  if (line === '::endgroup::') return undefined
  if (line.startsWith('::group::')) return `▸ ${line.slice(9)}`
  const cmd = /^::(warning|error|notice)[^:]*::(.*)$/.exec(line)
  if (cmd) return `${cmd[1]}: ${cmd[2].replace(/%0A/g, '\n    ').replace(/%25/g, '%')}`
  return line
}

async function runAction(
  sim: Simulator,
  stage: string,
  inputs: Record<string, string>,
  extraEnv: NodeJS.ProcessEnv = {}
): Promise<StageResult> {
  const dir = path.join(out, stage)
  mkdirSync(dir, { recursive: true })
  const summaryFile = path.join(dir, 'summary.md')
  const outputFile = path.join(dir, 'outputs.txt')
  writeFileSync(summaryFile, '')
  writeFileSync(outputFile, '')
  // The runner creates the state file before the step starts; @actions/core appends to it (saveState).
  writeFileSync(path.join(dir, 'state.txt'), '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_ACTOR: 'demo-bot',
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: outputFile,
    // What the main step hands its post step (the journal's path and artifact), as the runner keeps it.
    GITHUB_STATE: path.join(dir, 'state.txt'),
    RUNNER_TEMP: dir,
    // The journal's default place is RUNNER_TEMP: relative here, so the summary names it the same everywhere.
    // The checkout protect-pinned scans (written by writeCheckout).
    GITHUB_WORKSPACE: checkout,
    // The cross-run manifest cache in a directory (on a runner: the Actions cache): stages after the first read
    // only manifests they have not seen.
    GHCR_RETENTION_CACHE_DIR: path.join(out, 'manifest-cache'),
    ...extraEnv
  }
  const all: Record<string, string> = {
    token: sim.token,
    owner: 'acme',
    'api-url': sim.apiUrl,
    'registry-url': sim.registryUrl,
    'upload-journal': 'false',
    ...inputs
  }
  // The runner turns each `with:` key into INPUT_<NAME> (upper case, spaces to underscores, hyphens kept).
  for (const [k, v] of Object.entries(all)) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v
  console.log(
    `\n=== ${stage}: node dist/index.js (${Object.entries(inputs)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ')})\n`
  )
  const code = await new Promise<number>(resolve => {
    const child = spawn(process.execPath, [path.join(root, 'dist/index.js')], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit']
    })
    createInterface({ input: child.stdout }).on('line', line => {
      const shown = asRunnerShowsIt(line)
      if (shown !== undefined) console.log(shown)
    })
    child.on('exit', c => resolve(c ?? 1))
  })
  const summary = readFileSync(summaryFile, 'utf8')
  writeFileSync(
    path.join(dir, 'summary.html'),
    renderSummaryHtml(summary, { title: `ghcr-retention demo: ${stage}` })
  )
  return { code, outputs: parseOutputsFile(readFileSync(outputFile, 'utf8')), summary }
}

const checkout = path.join(out, 'checkout')

/** The local CLI (`npx ghcr-retention`, the bundled dist/cli) with the token in GITHUB_TOKEN. */
async function runCli(sim: Simulator, args: readonly string[]): Promise<{ code: number }> {
  const all = [
    ...args,
    '--api-url',
    sim.apiUrl,
    '--registry-url',
    sim.registryUrl,
    '--summary',
    // The CLI runs in the checkout: from there the summary's place is one level up.
    path.relative(checkout, path.join(out, '5-cli/summary.md'))
  ]
  mkdirSync(path.join(out, '5-cli'), { recursive: true })
  console.log(
    `\n=== 5-cli: npx ghcr-retention ${args.map(a => (/[\s,*]/.test(a) ? `'${a}'` : a)).join(' ')}\n`
  )
  const code = await new Promise<number>(resolve => {
    const child = spawn(process.execPath, [path.join(root, 'bin/ghcr-retention.js'), ...all], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_TOKEN: sim.token },
      cwd: checkout,
      stdio: ['ignore', 'inherit', 'inherit']
    })
    child.on('exit', c => resolve(c ?? 1))
  })
  return { code }
}

/**
 * A repository checkout that pins two digests the policy would otherwise delete — a platform image of v1.3.0
 * (which keeps its index too) and an orphan — so the dry-run shows them kept, with the file and line.
 */
function writeCheckout(sim: Simulator, refs: Readonly<Record<string, string>>): void {
  const host = new URL(sim.registryUrl).host
  mkdirSync(path.join(checkout, 'deploy/k8s'), { recursive: true })
  writeFileSync(
    path.join(checkout, 'deploy/k8s/app.yaml'),
    [
      'kind: Deployment',
      'spec:',
      '  containers:',
      `    - image: ${host}/acme/app@${refs['release:v1.3.0:linux/amd64']}`,
      ''
    ].join('\n')
  )
  writeFileSync(path.join(checkout, 'Dockerfile'), `FROM ${host}/acme/app@${refs['orphan:45d']} AS legacy\n`)
}

async function main(): Promise<void> {
  const onlyDryRun = process.argv.includes('--dry-run')
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const sim = await startSimulator({ seed: 1, timeScale: 0.01 })
  try {
    sim.addOwner('acme', 'Organization')
    const scenario = buildRealisticScenario({ owner: 'acme', name: 'app', now: NOW })
    for (const pkg of scenario.packages) sim.loadPackage(pkg)
    writeCheckout(sim, scenario.refs)
    // The repository behind the package: pull request 12 was merged two days ago, 50 is open (its tags: pr-12, pr-50).
    const repo = sim.state.addRepo('acme', 'app')
    repo.addBranch('main', undefined, true)
    repo.addPull({
      number: 12,
      headRef: 'feature/login',
      state: 'closed',
      closedAt: NOW - 2 * 86_400_000,
      mergedAt: NOW - 2 * 86_400_000
    })
    repo.addPull({ number: 50, headRef: 'fix/cache' })
    console.log(`GHCR simulator: REST ${sim.apiUrl}, registry ${sim.registryUrl}`)

    const policy = {
      packages: 'app, app/*',
      'keep-tags': 'latest, main',
      'delete-tags': 'v*, pr-*, sha-*',
      'keep-n-tagged': '3',
      'older-than': '30d',
      'untagged-grace': '7d',
      'max-deletions': '60%'
    }
    const plan = await runAction(sim, '1-dry-run', { ...policy, 'dry-run': 'true' })
    console.log(`\noutputs: ${JSON.stringify(plan.outputs, null, 2)}`)
    console.log(
      `step summary: ${path.join(out, '1-dry-run/summary.md')} (HTML: ${path.join(out, '1-dry-run/summary.html')})`
    )
    if (plan.code !== 0) process.exitCode = plan.code
    if (process.argv.includes('--docs')) {
      writeFileSync(path.join(root, 'docs/demo-summary.md'), plan.summary)
      writeFileSync(
        path.join(root, 'docs/demo-summary.html'),
        renderSummaryHtml(plan.summary, { title: 'ghcr-retention demo: 1-dry-run' })
      )
      console.log('docs/demo-summary.md and docs/demo-summary.html rewritten from the dry run')
    }
    if (onlyDryRun) return

    const prune = await runAction(sim, '2-prune', { ...policy, 'validate-after-prune': 'true' })
    console.log(`\noutputs: ${JSON.stringify(prune.outputs, null, 2)}`)
    const validate = await runAction(sim, '3-validate', { packages: policy.packages, mode: 'validate' })
    console.log(`\noutputs: ${JSON.stringify(validate.outputs, null, 2)}`)
    const journal = prune.outputs['journal-file']
    const restore = await runAction(sim, '4-restore', {
      packages: policy.packages,
      mode: 'restore',
      'restore-from': journal
    })
    console.log(`\noutputs: ${JSON.stringify(restore.outputs, null, 2)}`)
    const list = await runCli(sim, ['--mode', 'list', '--owner', 'acme', '--packages', policy.packages])
    // The nightly sweep: pull request states are looked up for the numbers in tags; #12 (merged) goes, #50 stays.
    const prPolicy = { packages: 'app', 'pr-tag': 'pr-{number}', repository: 'acme/app' }
    const sweep = await runAction(sim, '6-sweep', { ...prPolicy, 'pr-grace': '1d' })
    console.log(`\noutputs: ${JSON.stringify(sweep.outputs, null, 2)}`)
    // Pull request 50 is merged: its `closed` event deletes exactly its images, nothing else, no lookups.
    repo.closePull(50, true)
    const event = path.join(out, 'pull_request-closed-50.json')
    writeFileSync(
      event,
      JSON.stringify({ action: 'closed', number: 50, pull_request: { number: 50, merged: true } })
    )
    const closed = await runAction(
      sim,
      '7-pr-closed',
      { ...prPolicy, 'fail-on-noop': 'true' },
      { GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: event }
    )
    console.log(`\noutputs: ${JSON.stringify(closed.outputs, null, 2)}`)
    const rest = sim.requests.filter(r => r.side === 'rest').length
    const registry = sim.requests.filter(r => r.side === 'registry').length
    console.log(
      `\nthe simulator answered ${rest} REST and ${registry} registry requests; reports are in ${out}/`
    )
    for (const r of [prune, validate, restore, list, sweep, closed])
      if (r.code !== 0) process.exitCode = r.code
  } finally {
    await sim.close()
  }
}

await main()
