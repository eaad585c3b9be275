import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Logger } from '../log/Logger.js'
import type { CacheSettings } from './cacheSettings.js'
import { ActionsCacheStore, DirectoryCacheStore, type CacheStore } from './CacheStore.js'
import { ManifestCache, type PrimeTarget } from './ManifestCache.js'

let localRuns = 0

/** The Actions cache service is reachable (the same test @actions/cache's isFeatureAvailable makes). */
export function actionsCacheAvailable(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_CACHE_URL) || Boolean(env.ACTIONS_RESULTS_URL)
}

/**
 * The run's manifest cache, or undefined when it is off or has nowhere to live. A local directory
 * (GHCR_RETENTION_CACHE_DIR / the CLI's --cache-dir) wins; on a runner the Actions cache service is used.
 */
export function createManifestCache(
  settings: CacheSettings,
  target: PrimeTarget,
  options: { env: NodeJS.ProcessEnv; logger: Logger; now: () => number }
): ManifestCache | undefined {
  const { env, logger } = options
  if (!settings.enabled) {
    logger.debug('cache: false; every manifest is read from the registry')
    return undefined
  }
  let store: CacheStore
  if (settings.dir) store = new DirectoryCacheStore(settings.dir)
  else if (actionsCacheAvailable(env)) store = new ActionsCacheStore(logger)
  else {
    logger.debug(
      'cache: the Actions cache service is not available (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL are not set); ' +
        'every manifest is read from the registry'
    )
    return undefined
  }
  const runId = env.GITHUB_RUN_ID
    ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`
    : `local-${Math.round(options.now())}-${++localRuns}`
  return new ManifestCache({
    store,
    target,
    // The Actions cache matches paths as written: keep them identical from run to run.
    workDir: path.join(env.RUNNER_TEMP || tmpdir(), 'ghcr-retention-cache'),
    runId,
    logger,
    now: options.now
  })
}
