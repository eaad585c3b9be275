import path from 'node:path'
import { InputError } from '../settings/InputError.js'

/** Where manifests read by earlier runs are kept. */
export interface CacheSettings {
  /** Input `cache` (default true). */
  readonly enabled: boolean
  /**
   * A local directory instead of the Actions cache service: `GHCR_RETENTION_CACHE_DIR` (the CLI's
   * `--cache-dir`). Off a runner this is the only store; on a runner it wins when set.
   */
  readonly dir?: string
}

export const CACHE_DIR_ENV = 'GHCR_RETENTION_CACHE_DIR'

export function readCacheSettings(value: string, env: NodeJS.ProcessEnv): CacheSettings {
  let enabled = true
  if (['false', 'False', 'FALSE'].includes(value)) enabled = false
  else if (value !== '' && !['true', 'True', 'TRUE'].includes(value)) {
    throw new InputError('cache', value, '`true` or `false`')
  }
  const dir = env[CACHE_DIR_ENV]?.trim()
  return { enabled, ...(dir ? { dir: path.resolve(dir) } : {}) }
}
