import type { ActionInputName } from '../model/actionInputs.js'
import { compileGlob } from '../patterns/glob.js'
import { PatternError } from '../patterns/PatternError.js'
import { InputError } from '../settings/InputError.js'
import { DEFAULT_PIN_GLOBS } from './defaultGlobs.js'

/** Another repository whose default branch (or `ref`) is scanned read-only through the REST API. */
export interface PinRepository {
  readonly owner: string
  readonly repo: string
  /** Branch, tag or commit; undefined = the repository's default branch. */
  readonly ref?: string
}

export interface PinSettings {
  /** Globs of files in the checkout to scan; empty = the scan is off (`protect-pinned: false`). */
  readonly globs: readonly string[]
  /** Registry hosts whose references count (the host of `registry-url`). */
  readonly hosts: readonly string[]
  readonly repositories: readonly PinRepository[]
}

function split(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map(s => s.trim())
    .filter(s => s.length > 0)
}

/**
 * `protect-pinned`: empty or `true` = the default globs; `false` = off; otherwise globs, where the word `defaults`
 * stands for the default list (`defaults, deploy/**\/*.json`). Globs are relative to the checkout and may not
 * leave it.
 */
export function parseProtectPinned(value: string): string[] {
  if (value === '' || value === 'true' || value === 'True' || value === 'TRUE') return [...DEFAULT_PIN_GLOBS]
  if (value === 'false' || value === 'False' || value === 'FALSE') return []
  const globs: string[] = []
  for (const entry of split(value)) {
    if (entry === 'defaults') {
      globs.push(...DEFAULT_PIN_GLOBS)
      continue
    }
    let why = ''
    try {
      compileGlob(entry, { paths: true })
    } catch (e) {
      if (!(e instanceof PatternError)) throw e
      why = ` (${e.reason.replace(/\.$/, '')})`
    }
    if (
      why !== '' ||
      entry.startsWith('/') ||
      /^[A-Za-z]:/.test(entry) ||
      entry.split('/').includes('..') ||
      entry.includes('\\')
    ) {
      throw new InputError(
        'protect-pinned',
        entry,
        '`true` (the default places), `false`, or globs relative to the checkout such as `deploy/**/*.yaml` ' +
          `(no leading \`/\`, no \`..\`, \`/\` as the separator; \`defaults\` adds the default places)${why}`
      )
    }
    globs.push(entry)
  }
  return [...new Set(globs)]
}

const REPO_RE =
  /^([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})\/([A-Za-z0-9._-]{1,100})(?:@(\S{1,255}))?$/

/** `protect-pinned-repositories`: `owner/repo` or `owner/repo@ref`, comma- or newline-separated. */
export function parsePinRepositories(value: string): PinRepository[] {
  const out: PinRepository[] = []
  for (const entry of split(value)) {
    const m = REPO_RE.exec(entry)
    if (!m || m[2] === '.' || m[2] === '..') {
      throw new InputError(
        'protect-pinned-repositories',
        entry,
        'repositories written `owner/repo` (default branch) or `owner/repo@ref`, comma- or newline-separated'
      )
    }
    out.push({ owner: m[1], repo: m[2], ...(m[3] ? { ref: m[3] } : {}) })
  }
  return out
}

/** The registry host a reference must name to point into `registryUrl`'s packages (`ghcr.io`, `host:5000`). */
export function pinHosts(registryUrl: string): string[] {
  return [new URL(registryUrl).host.toLowerCase()]
}

export function readPinSettings(read: (name: ActionInputName) => string, registryUrl: string): PinSettings {
  return {
    globs: parseProtectPinned(read('protect-pinned')),
    hosts: pinHosts(registryUrl),
    repositories: parsePinRepositories(read('protect-pinned-repositories'))
  }
}
