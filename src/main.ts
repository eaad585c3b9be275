import * as core from '@actions/core'
import { createManifestCache } from './cache/createManifestCache.js'
import { PackagesClient } from './github/PackagesClient.js'
import { actionsLog } from './log/actionsLog.js'
import { octokitRepoReader } from './pins/scanRepositories.js'
import { octokitRepoState } from './github/RepoStateClient.js'
import { createRepoStateSource } from './run/repoState.js'
import { RegistryClient } from './registry/RegistryClient.js'
import { RequestBudget } from './execute/RequestBudget.js'
import { installSignalHandlers } from './execute/signals.js'
import { readSettings } from './settings/inputs.js'
import type { Settings } from './settings/Settings.js'
import { runPrune } from './run/runPrune.js'
import { runValidate } from './run/runValidate.js'
import { runRestore } from './run/runRestore.js'
import { selectPackages } from './run/selectPackages.js'
import type { RunContext } from './run/RunContext.js'
import { openRunJournal, type JournalWriter } from './run/JournalWriter.js'
import { journalArtifactName, JOURNAL_STATE } from './execute/artifact.js'

/** Knobs for tests and benchmarks that run the action in-process; the runner never sets them. */
export interface RunOverrides {
  /** Multiplies every wait the clients derive from headers or backoff (tests against the simulator). */
  readonly timeScale?: number
  readonly now?: () => number
  readonly env?: NodeJS.ProcessEnv
}

/** At least one second between deletes: GitHub's REST best practices for writes (src/github/octokit.ts). */
export { DEFAULT_WRITE_GAP_MS as WRITE_GAP_MS } from './github/octokit.js'
import { DEFAULT_WRITE_GAP_MS as WRITE_GAP_MS } from './github/octokit.js'

/**
 * The action: inputs are read and validated before any request, then one mode runs. Never throws; a failure
 * becomes `setFailed` with a message that names what to fix.
 */
export async function run(overrides: RunOverrides = {}): Promise<void> {
  const env = overrides.env ?? process.env
  let settings: Settings
  try {
    settings = readSettings(name => core.getInput(name), env)
  } catch (error) {
    actionsLog.setFailed((error as Error).message)
    return
  }
  core.setSecret(settings.token)
  debugSettings(settings)
  // No delete without a record: the journal is opened and its header written before the first request.
  let journal: JournalWriter | undefined
  if (settings.mode === 'prune' || settings.mode === 'restore') {
    try {
      journal = await openRunJournal(settings, settings.mode, env, (overrides.now ?? Date.now)())
    } catch (error) {
      actionsLog.setFailed(`${(error as Error).message}; nothing was requested or deleted`)
      return
    }
    core.saveState(JOURNAL_STATE.path, settings.journalFile)
    core.saveState(JOURNAL_STATE.artifact, journalArtifactName(env, settings.owner, settings.packages))
  }

  const cancellation = installSignalHandlers(name =>
    actionsLog.warning(
      `${name} received: stopping after the requests in flight; the journal is still written`
    )
  )
  try {
    const packages = new PackagesClient({
      token: settings.token,
      apiUrl: settings.apiUrl,
      logger: actionsLog,
      timeScale: overrides.timeScale,
      // A second between deletes (GitHub's best practices), slower whenever GitHub answers with retry-after
      // (the throttling plugin).
      writeGapMs: WRITE_GAP_MS,
      writeConcurrency: 1
    })
    const registry = new RegistryClient({
      registryUrl: settings.registryUrl,
      username: settings.registryUsername,
      password: settings.token,
      concurrency: settings.concurrency,
      logger: actionsLog,
      timeScale: overrides.timeScale,
      onSecret: value => core.setSecret(value)
    })
    // Created before the first request, and asked before every attempt: listing, parallel pages and retries
    // count against an explicit budget too.
    const budget = RequestBudget.create(packages, settings.requestBudget)
    packages.limitRequests(() => budget.admit())
    const ctx: RunContext = {
      settings,
      packages,
      registry,
      budget,
      signal: cancellation.signal,
      logger: actionsLog,
      now: overrides.now ?? Date.now,
      manifestCache: createManifestCache(settings.cache, registry, {
        env,
        logger: actionsLog,
        now: overrides.now ?? Date.now
      }),
      repoReader: octokitRepoReader(packages.octokit),
      repoState: createRepoStateSource(settings, env, octokitRepoState(packages.octokit), actionsLog),
      ...(journal ? { journal } : {})
    }
    switch (settings.mode) {
      case 'prune':
        await runPrune(ctx, env)
        break
      case 'validate':
        await runValidate(ctx)
        break
      case 'restore':
        await runRestore(ctx, env)
        break
      case 'list':
        // The matched packages go to the `packages` output; no version is listed, no manifest read.
        await selectPackages(ctx)
        break
    }
  } catch (error) {
    const message = (error as Error).message
    await journal?.close({
      type: 'end',
      finishedAt: new Date((overrides.now ?? Date.now)()).toISOString(),
      ok: false,
      status: `failed: ${message}`
    })
    actionsLog.setFailed(message)
  } finally {
    // Written by the mode on its normal path; here for a run that ended in an error.
    await journal?.close()
    cancellation.dispose()
  }
}

function debugSettings(s: Settings): void {
  // Every resolved value except the token, so a user can see what the action understood.
  actionsLog.debug(
    `settings: owner=${s.owner} packages=${JSON.stringify(s.packages)} mode=${s.mode} dry-run=${s.dryRun} ` +
      `api-url=${s.apiUrl} registry-url=${s.registryUrl} concurrency=${s.concurrency} ` +
      `request-budget=${s.requestBudget ?? 'auto'} journal-file=${s.journalFile}`
  )
  actionsLog.debug(
    `settings: protect-pinned=${s.pins.globs.length > 0 ? JSON.stringify(s.pins.globs) : 'false'} ` +
      `protect-pinned-repositories=${JSON.stringify(s.pins.repositories.map(r => `${r.owner}/${r.repo}${r.ref ? `@${r.ref}` : ''}`))} ` +
      `pin-hosts=${s.pins.hosts.join(',')} cache=${s.cache.enabled}${s.cache.dir ? ` cache-dir=${s.cache.dir}` : ''}`
  )
}
