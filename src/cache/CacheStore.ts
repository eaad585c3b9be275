import { copyFile, mkdir, readdir, rename, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Logger } from '../log/Logger.js'

/**
 * Somewhere a run can leave one file for the next run to find: the Actions cache service on a runner, a local
 * directory for the CLI, tests and benchmarks. Keys are immutable once saved (as in the Actions cache), so every
 * run saves under a new key and the next run restores the newest key that starts with a prefix.
 */
export interface CacheStore {
  /** For log lines: `actions cache`, `directory /path`. */
  readonly name: string
  /**
   * Puts the entry saved under `key` — or else the newest whose key starts with one of `prefixes` — at `file`.
   * Returns the key restored, or undefined for a miss.
   */
  restore(file: string, key: string, prefixes: readonly string[]): Promise<string | undefined>
  /** Saves `file` under `key`. Returns false when the key already exists (another job saved it first). */
  save(file: string, key: string): Promise<boolean>
}

const SAFE_KEY = /^[A-Za-z0-9._-]+$/

/** A directory of files named by key: the CLI's `--cache-dir`, and the store tests measure against. */
export class DirectoryCacheStore implements CacheStore {
  readonly name: string

  constructor(private readonly dir: string) {
    this.name = `directory ${dir}`
  }

  async restore(file: string, key: string, prefixes: readonly string[]): Promise<string | undefined> {
    let names: string[]
    try {
      names = await readdir(this.dir)
    } catch {
      return undefined
    }
    let chosen: string | undefined = names.includes(key) ? key : undefined
    if (!chosen) {
      let newest = -Infinity
      for (const prefix of prefixes) {
        for (const name of names) {
          if (!name.startsWith(prefix) || name.endsWith('.tmp')) continue
          const mtime = (await stat(path.join(this.dir, name))).mtimeMs
          if (mtime > newest || (mtime === newest && chosen !== undefined && name > chosen)) {
            newest = mtime
            chosen = name
          }
        }
        if (chosen) break
      }
    }
    if (!chosen) return undefined
    await mkdir(path.dirname(file), { recursive: true })
    await copyFile(path.join(this.dir, chosen), file)
    return chosen
  }

  async save(file: string, key: string): Promise<boolean> {
    if (!SAFE_KEY.test(key)) throw new Error(`cache key ${JSON.stringify(key)} is not a file name`)
    await mkdir(this.dir, { recursive: true })
    const target = path.join(this.dir, key)
    try {
      await stat(target)
      return false
    } catch {
      // Not there yet: write it.
    }
    const temp = `${target}.${process.pid}.tmp`
    await copyFile(file, temp)
    await rename(temp, target)
    return true
  }
}

/** The Actions cache service through @actions/cache (loaded only when used). */
export class ActionsCacheStore implements CacheStore {
  readonly name = 'actions cache'

  constructor(private readonly logger: Logger) {}

  async restore(file: string, key: string, prefixes: readonly string[]): Promise<string | undefined> {
    const cache = await import('@actions/cache')
    return cache.restoreCache([file], key, [...prefixes])
  }

  async save(file: string, key: string): Promise<boolean> {
    const cache = await import('@actions/cache')
    // saveCache logs and returns -1 itself when another job saved the key first, the token is read-only
    // (an untrusted event) or the service failed: the next run still restores an older entry or reads anew.
    const id = await cache.saveCache([file], key)
    if (id === -1) this.logger.debug(`cache: ${key} was not saved`)
    return id !== -1
  }
}
